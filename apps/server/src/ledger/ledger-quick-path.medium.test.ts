import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { accounts, sessions, transactions } from '../db/schema.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { balanceOf, idem, newCashier, newConsole, newCustomer, newOrg, newZone, openShift, recharge, setTariff, type OrgFixture } from '../testing/factories.js';
import { verifyLedger } from './ledger-verify.js';

// The one-statement money move (LedgerRepository.quickMove) and its fall-back to the careful path.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** 6.00 per started minute: after its first second a session has consumed 6.00. */
const PER_MINUTE = { ratePerHourMinor: 36_000, granularity: 'minute', minimumChargeMinor: 0 };

async function counter(customerId: string): Promise<number> {
  const [row] = await app.database.db.select({ live: accounts.liveSessions }).from(accounts).where(eq(accounts.userId, customerId));
  return row!.live;
}

async function floor(): Promise<{ org: OrgFixture; cashier: { id: string; token: string }; pcId: string }> {
  const org = await newOrg(app);
  const cashier = await newCashier(app, org);
  const zone = await newZone(app, org);
  await setTariff(app, org, zone.id, PER_MINUTE);
  const pc = await newConsole(app, org, zone.id);
  await openShift(app, org, cashier.token);
  return { org, cashier, pcId: pc.id };
}

const charge = (org: OrgFixture, token: string, customerId: string, amountMinor: number, key = idem()) =>
  app.request('POST', `/api/v1/customers/${customerId}/charges`, {
    token,
    headers: { 'idempotency-key': key },
    body: { lanCenterId: org.lanCenterId, amountMinor, reason: 'Gaseosa' },
  });

describe('one-statement money moves', () => {
  it('answer = replay = the ledger row as listed; a different body on the key → 422; nothing moved twice', async () => {
    const { org, cashier } = await floor();
    const customer = await newCustomer(app, org);
    const key = idem();
    const first = await recharge(app, org, cashier.token, customer.id, 2500, key, 'YAPE');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ balanceMinor: 2500, availableMinor: 2500, transaction: { type: 'RECHARGE', paymentMethod: 'YAPE', amountMinor: 2500, tenderedMinor: 2500, balanceBeforeMinor: 0, balanceAfterMinor: 2500, customerId: customer.id, actorId: cashier.id } });
    const replay = await recharge(app, org, cashier.token, customer.id, 2500, key, 'YAPE');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const listed = await app.request('GET', `/api/v1/transactions?customerId=${customer.id}`, { token: cashier.token });
    expect(listed.body.items).toEqual([first.body.transaction]);
    const reused = await recharge(app, org, cashier.token, customer.id, 9999, key, 'YAPE');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const spent = await charge(org, cashier.token, customer.id, 700);
    expect(spent.body).toMatchObject({ balanceMinor: 1800, transaction: { type: 'STORE_PURCHASE', paymentMethod: 'BALANCE', amountMinor: -700, tenderedMinor: 0, balanceBeforeMinor: 2500, reason: 'Gaseosa' } });
    const tooMuch = await charge(org, cashier.token, customer.id, 1801);
    expect(tooMuch.status).toBe(402);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(1800);
  });

  it('10 parallel requests with one key → one ledger row, ten equal answers', async () => {
    const { org, cashier } = await floor();
    const customer = await newCustomer(app, org);
    const key = idem();
    const answers = await Promise.all(Array.from({ length: 10 }, () => recharge(app, org, cashier.token, customer.id, 1000, key)));
    // a duplicate that arrives while the first is still in flight may be told to retry (409)
    const done = answers.filter((a) => a.status === 201);
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    for (const a of done) expect(a.body).toEqual(done[0]!.body);
    const rows = await app.database.db.select().from(transactions).where(eq(transactions.idempotencyKey, key));
    expect(rows).toHaveLength(1);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(1000);
  });

  it('the live-session counter follows start, pause, resume and end; a charge during a session takes the careful path', async () => {
    const { org, cashier, pcId } = await floor();
    const customer = await newCustomer(app, org);
    await recharge(app, org, cashier.token, customer.id, 1000);
    expect(await counter(customer.id)).toBe(0);
    const started = await app.request('POST', '/api/v1/sessions', { token: cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId, customerId: customer.id } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(await counter(customer.id)).toBe(1);
    await sleep(1100);
    // 6.00 already consumed: 5.00 more would spend it → refused (a one-statement move would not know)
    const refused = await charge(org, cashier.token, customer.id, 500);
    expect(refused.status).toBe(402);
    expect(refused.body.error.details).toMatchObject({ availableMinor: 400 });
    const ok = await charge(org, cashier.token, customer.id, 400);
    expect(ok.body).toMatchObject({ balanceMinor: 600, availableMinor: 0 });
    await app.request('POST', `/api/v1/sessions/${started.body.id}/pause`, { token: cashier.token });
    expect(await counter(customer.id)).toBe(1);
    await app.request('POST', `/api/v1/sessions/${started.body.id}/resume`, { token: cashier.token });
    expect(await counter(customer.id)).toBe(1);
    const ended = await app.request('POST', `/api/v1/sessions/${started.body.id}/end`, { token: cashier.token, body: {} });
    expect(ended.status).toBe(200);
    expect(await counter(customer.id)).toBe(0);
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(0);
    expect((await verifyLedger(app.database.db, org.organizationId)).mismatches).toEqual([]);
  });

  it('a session that goes live while a charge waits for the account is seen: the charge is refused, not half-applied', async () => {
    const { org, cashier, pcId } = await floor();
    const customer = await newCustomer(app, org);
    await recharge(app, org, cashier.token, customer.id, 1000);
    const started = await app.request('POST', '/api/v1/sessions', { token: cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId, customerId: customer.id } });
    expect(started.status).toBe(201);
    const sessionId = started.body.id as string;
    await sleep(1100); // one started minute: 6.00 consumed
    // take the session out of the live set, then bring it back in a transaction that stays open
    await app.database.db.update(sessions).set({ status: 'PENDING' }).where(eq(sessions.id, sessionId));
    expect(await counter(customer.id)).toBe(0);
    let inFlight: Promise<{ status: number; body: any }> | undefined;
    await app.database.db.transaction(async (tx) => {
      await tx.update(sessions).set({ status: 'ACTIVE' }).where(eq(sessions.id, sessionId));
      inFlight = charge(org, cashier.token, customer.id, 500); // blocks on the account (PostgreSQL) or the connection (PGlite)
      await sleep(300);
    });
    const answer = await inFlight!;
    expect(answer.status).toBe(402);
    expect(answer.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await balanceOf(app, cashier.token, customer.id)).toBe(1000);
    const rows = await app.database.db.select().from(transactions).where(eq(transactions.userId, customer.id));
    expect(rows.map((r) => r.type)).toEqual(['RECHARGE']);
    await app.request('POST', `/api/v1/sessions/${sessionId}/end`, { token: cashier.token, body: {} });
  });

  it('ledger:verify reports a ledger row whose LAN center does not resolve and a counter that drifted', async () => {
    const { org, cashier } = await floor();
    const customer = await newCustomer(app, org);
    const done = await recharge(app, org, cashier.token, customer.id, 300);
    const other = await newOrg(app);
    await app.database.db.update(transactions).set({ lanCenterId: other.lanCenterId }).where(eq(transactions.id, done.body.transaction.id));
    await app.database.db.update(accounts).set({ liveSessions: sql`${accounts.liveSessions} + 1` }).where(eq(accounts.userId, customer.id));
    const report = await verifyLedger(app.database.db, org.organizationId);
    expect(report.mismatches).toEqual([
      { kind: 'live_sessions', id: expect.any(String), expected: 0, actual: 1 },
      { kind: 'reference', id: done.body.transaction.id, expected: 1, actual: 0, detail: 'lan_center does not resolve (or belongs to another organization)' },
    ]);
  });
});
