import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLogs, transactions } from '../db/schema.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { balanceOf, idem, newCashier, newCustomer, newOrg, openShift, recharge, type OrgFixture } from '../testing/factories.js';
import { verifyLedger } from './ledger-verify.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

async function setup(): Promise<{ org: OrgFixture; cashier: { id: string; token: string }; customer: { id: string } }> {
  const org = await newOrg(app);
  const cashier = await newCashier(app, org);
  const customer = await newCustomer(app, org);
  return { org, cashier, customer };
}

const charge = (org: OrgFixture, token: string, customerId: string, amountMinor: number, key = idem()) =>
  app.request('POST', `/api/v1/customers/${customerId}/charges`, {
    token,
    headers: { 'idempotency-key': key },
    body: { lanCenterId: org.lanCenterId, amountMinor, reason: 'Venta en mostrador' },
  });

describe('S17: cash movements belong to the cashier’s open shift', () => {
  it('no open shift → SHIFT_NOT_OPEN and nothing written; with a shift the recharge is in it; close shows expected vs counted', async () => {
    const { org, cashier, customer } = await setup();
    const refused = await recharge(app, org, cashier.token, customer.id, 1000);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SHIFT_NOT_OPEN');
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(0);

    const shift = await openShift(app, org, cashier.token, 5000);
    const again = await app.request('POST', '/api/v1/shifts/open', { token: cashier.token, body: { lanCenterId: org.lanCenterId, openingFloatMinor: 0 } });
    expect(again.body.error.code).toBe('SHIFT_ALREADY_OPEN');

    const ok = await recharge(app, org, cashier.token, customer.id, 2000);
    expect(ok.status).toBe(201);
    expect(ok.body.transaction).toMatchObject({ type: 'RECHARGE', paymentMethod: 'CASH', amountMinor: 2000, tenderedMinor: 2000, balanceBeforeMinor: 0, balanceAfterMinor: 2000, shiftId: shift.id });
    const yape = await recharge(app, org, cashier.token, customer.id, 1500, idem(), 'YAPE');
    expect(yape.body.transaction.shiftId).toBe(shift.id);

    const current = await app.request('GET', '/api/v1/shifts/current', { token: cashier.token });
    expect(current.body.expectedCashMinor).toBe(7000);
    expect(current.body.totals.byMethod).toEqual({ CASH: 2000, YAPE: 1500 });

    const closed = await app.request('POST', `/api/v1/shifts/${shift.id}/close`, { token: cashier.token, body: { countedCashMinor: 6900 } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', expectedCashMinor: 7000, countedCashMinor: 6900, differenceMinor: -100 });
    expect(closed.body.totals.byType.RECHARGE).toEqual({ count: 2, tenderedMinor: 3500, amountMinor: 3500 });
    const after = await recharge(app, org, cashier.token, customer.id, 1000);
    expect(after.body.error.code).toBe('SHIFT_NOT_OPEN');
    const closeTwice = await app.request('POST', `/api/v1/shifts/${shift.id}/close`, { token: cashier.token, body: { countedCashMinor: 1 } });
    expect(closeTwice.status).toBe(409);
  });

  it('another cashier cannot read or close my shift', async () => {
    const { org, cashier } = await setup();
    const other = await newCashier(app, org);
    const shift = await openShift(app, org, cashier.token);
    const read = await app.request('GET', `/api/v1/shifts/${shift.id}`, { token: other.token });
    expect(read.status).toBe(404);
    const close = await app.request('POST', `/api/v1/shifts/${shift.id}/close`, { token: other.token, body: { countedCashMinor: 0 } });
    expect(close.status).toBe(404);
  });
});

describe('S11: concurrent recharges and charges are exact', () => {
  it('balance 0; 10 × +10.00 and 10 × −5.00 in parallel → 50.00, 20 ledger rows, replay gives the balance', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    // charges may legitimately be refused while the balance is still short; retry those until all 10 land
    const recharges = Array.from({ length: 10 }, () => recharge(app, org, cashier.token, customer.id, 1000));
    const chargeKeys = Array.from({ length: 10 }, () => idem());
    const first = await Promise.all([...recharges, ...chargeKeys.map((k) => charge(org, cashier.token, customer.id, 500, k))]);
    expect(first.slice(0, 10).every((r) => r.status === 201)).toBe(true);
    for (let round = 0; round < 5; round++) {
      const pending = chargeKeys.filter((_, i) => first[10 + i]!.status !== 201);
      if (!pending.length) break;
      const retried = await Promise.all(pending.map((k) => charge(org, cashier.token, customer.id, 500, k)));
      retried.forEach((r, i) => (first[10 + chargeKeys.indexOf(pending[i]!)] = r));
    }
    expect(first.every((r) => r.status === 201)).toBe(true);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(5000);
    const rows = await app.database.db.select().from(transactions).where(eq(transactions.userId, customer.id));
    expect(rows).toHaveLength(20);
    expect(rows.reduce((s, r) => s + r.amountMinor, 0)).toBe(5000);
    const report = await verifyLedger(app.database.db, org.organizationId);
    expect(report.mismatches).toEqual([]);
  });

  it('never below zero: 10 parallel charges of 5.00 on 20.00 → exactly 4 succeed', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    await recharge(app, org, cashier.token, customer.id, 2000);
    const results = await Promise.all(Array.from({ length: 10 }, () => charge(org, cashier.token, customer.id, 500)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.body.error.code === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(0);
  });
});

describe('idempotency', () => {
  it('a replay returns the first response and moves no money; another body with the same key is rejected', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    const key = idem();
    const first = await recharge(app, org, cashier.token, customer.id, 1000, key);
    const replays = await Promise.all(Array.from({ length: 5 }, () => recharge(app, org, cashier.token, customer.id, 1000, key)));
    for (const r of replays) {
      expect(r.status).toBe(201);
      expect(r.body).toEqual(first.body);
    }
    expect(replays.some((r) => r.headers['idempotent-replayed'] === 'true')).toBe(true);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(1000);
    const different = await recharge(app, org, cashier.token, customer.id, 9999, key);
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const missing = await app.request('POST', `/api/v1/customers/${customer.id}/recharges`, {
      token: cashier.token,
      body: { lanCenterId: org.lanCenterId, amountMinor: 100, paymentMethod: 'CASH' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    for (const bad of ['short', 'has spaces in it']) {
      const malformed = await recharge(app, org, cashier.token, customer.id, 100, bad);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
      const [field] = malformed.body.error.fields;
      expect(field.path).toBe('Idempotency-Key');
      expect(field.messages.en).toMatch(/^(Too small|Invalid string)/);
      expect(field.messages.es).toMatch(/^(Demasiado pequeño|Cadena inválida)/);
    }
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(1000);
  });

  it('a failed attempt does not burn the key: after topping up, the same key succeeds', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    const key = idem();
    const refused = await charge(org, cashier.token, customer.id, 500, key);
    expect(refused.body.error.code).toBe('INSUFFICIENT_BALANCE');
    await recharge(app, org, cashier.token, customer.id, 1000);
    const ok = await charge(org, cashier.token, customer.id, 500, key);
    expect(ok.status).toBe(201);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(500);
  });
});

describe('refunds and adjustments', () => {
  it('refunds never exceed what they refund, also when sent in parallel', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    const sale = (await recharge(app, org, cashier.token, customer.id, 3000)).body;
    const spend = await charge(org, cashier.token, customer.id, 1000);
    const refund = (amountMinor: number) =>
      app.request('POST', `/api/v1/transactions/${spend.body.transaction.id}/refunds`, {
        token: cashier.token,
        headers: { 'idempotency-key': idem() },
        body: { amountMinor, reason: 'Producto agotado', lanCenterId: org.lanCenterId },
      });
    const parallel = await Promise.all(Array.from({ length: 5 }, () => refund(400)));
    expect(parallel.filter((r) => r.status === 201)).toHaveLength(2);
    expect(parallel.filter((r) => r.status === 422).every((r) => r.body.error.code === 'REFUND_EXCEEDS_ORIGINAL')).toBe(true);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(2000 + 800);
    // cash refund of a recharge pays out of the drawer
    const cashBack = await app.request('POST', `/api/v1/transactions/${sale.transaction.id}/refunds`, {
      token: cashier.token,
      headers: { 'idempotency-key': idem() },
      body: { amountMinor: 500, reason: 'Devolución de saldo', lanCenterId: org.lanCenterId },
    });
    expect(cashBack.status).toBe(201);
    expect(cashBack.body.transaction).toMatchObject({ type: 'REFUND', amountMinor: -500, tenderedMinor: -500, paymentMethod: 'CASH' });
    const shift = await app.request('GET', '/api/v1/shifts/current', { token: cashier.token });
    expect(shift.body.expectedCashMinor).toBe(10_000 + 3000 - 500);
  });

  it('adjustments are MANAGER-only, need a reason and are audited', async () => {
    const { org, cashier, customer } = await setup();
    const body = { amountMinor: 750, reason: 'Compensación por falla de PC' };
    const byCashier = await app.request('POST', `/api/v1/customers/${customer.id}/adjustments`, { token: cashier.token, headers: { 'idempotency-key': idem() }, body });
    expect(byCashier.status).toBe(403);
    const noReason = await app.request('POST', `/api/v1/customers/${customer.id}/adjustments`, { token: org.managerToken, headers: { 'idempotency-key': idem() }, body: { amountMinor: 750 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].path).toBe('reason');
    const ok = await app.request('POST', `/api/v1/customers/${customer.id}/adjustments`, { token: org.managerToken, headers: { 'idempotency-key': idem() }, body });
    expect(ok.status).toBe(201);
    expect(ok.body.balanceMinor).toBe(750);
    const negative = await app.request('POST', `/api/v1/customers/${customer.id}/adjustments`, { token: org.managerToken, headers: { 'idempotency-key': idem() }, body: { amountMinor: -1000, reason: 'Error de digitación' } });
    expect(negative.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const audit = await app.database.db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, org.organizationId), eq(auditLogs.action, 'ledger.adjustment')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ amountMinor: 750, reason: body.reason });
  });

  it('another company’s customer and transactions are 404', async () => {
    const a = await setup();
    const b = await setup();
    await openShift(app, a.org, a.cashier.token);
    const res = await recharge(app, a.org, a.cashier.token, b.customer.id, 1000);
    expect(res.status).toBe(404);
    const account = await app.request('GET', `/api/v1/customers/${b.customer.id}/account`, { token: a.cashier.token });
    expect(account.status).toBe(404);
    const list = await app.request('GET', `/api/v1/transactions?customerId=${b.customer.id}`, { token: a.org.managerToken });
    expect(list.body.items).toEqual([]);
  });
});

describe('ledger listing', () => {
  it('filters by customer and type and pages with a cursor', async () => {
    const { org, cashier, customer } = await setup();
    await openShift(app, org, cashier.token);
    for (let i = 0; i < 5; i++) await recharge(app, org, cashier.token, customer.id, 100 + i);
    await charge(org, cashier.token, customer.id, 50);
    const page1 = await app.request('GET', `/api/v1/transactions?customerId=${customer.id}&type=RECHARGE&limit=3`, { token: cashier.token });
    expect(page1.body.items.map((t: { amountMinor: number }) => t.amountMinor)).toEqual([104, 103, 102]);
    const page2 = await app.request('GET', `/api/v1/transactions?customerId=${customer.id}&type=RECHARGE&limit=3&cursor=${page1.body.nextCursor}`, { token: cashier.token });
    expect(page2.body.items.map((t: { amountMinor: number }) => t.amountMinor)).toEqual([101, 100]);
    expect(page2.body.nextCursor).toBeNull();
  });
});
