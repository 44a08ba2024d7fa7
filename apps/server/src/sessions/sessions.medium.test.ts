import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { priceSession } from '@econtrol/billing';
import { auditLogs, sessionIntervals, sessions, transactions } from '../db/schema.js';
import { verifyLedger } from '../ledger/ledger-verify.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import {
  balanceOf,
  idem,
  newCashier,
  newConsole,
  newCustomer,
  newOrg,
  newPc,
  newZone,
  openShift,
  recharge,
  setTariff,
  type OrgFixture,
} from '../testing/factories.js';
import { engineTariff, type TariffSnapshot } from './session-pricing.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SESSION_ACK_TIMEOUT_MS: '300' });
});
afterAll(async () => {
  await app.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PER_SECOND = { ratePerHourMinor: 360_000, granularity: 'second', minimumChargeMinor: 0 }; // 1.00 per second

interface Floor {
  org: OrgFixture;
  cashier: { id: string; token: string };
  zoneId: string;
  station: { id: string };
}

async function floor(tariff: Record<string, unknown> = PER_SECOND): Promise<Floor> {
  const org = await newOrg(app);
  const cashier = await newCashier(app, org);
  const zone = await newZone(app, org, 'Consolas');
  await setTariff(app, org, zone.id, tariff);
  const station = await newConsole(app, org, zone.id);
  await openShift(app, org, cashier.token);
  return { org, cashier, zoneId: zone.id, station };
}

const start = (f: Floor, body: Record<string, unknown>, token = f.cashier.token, key = idem()) =>
  app.request('POST', '/api/v1/sessions', { token, headers: { 'idempotency-key': key }, body: { pcId: f.station.id, ...body } });
const end = (f: Floor, id: string, body: Record<string, unknown> = {}) =>
  app.request('POST', `/api/v1/sessions/${id}/end`, { token: f.cashier.token, body });

/** The engine's price for the intervals the database recorded. */
async function enginePrice(sessionId: string): Promise<number> {
  const [row] = await app.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
  const intervals = await app.database.db.select().from(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId));
  return priceSession({
    tariff: engineTariff(row!.tariffSnapshot as TariffSnapshot),
    member: row!.kind === 'MEMBER',
    intervals: intervals.map((i) => ({ startMs: i.startedAt.getTime(), endMs: i.endedAt!.getTime() })),
  }).amountMinor;
}

describe('member sessions settle exactly', () => {
  it('start → run → end: one SESSION_PAYMENT row equal to the engine’s price; balance and ledger agree', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 10_000);
    const started = await start(f, { customerId: customer.id });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.status).toBe('ACTIVE');
    await sleep(2200);
    const live = await app.request('GET', `/api/v1/customers/${customer.id}/account`, { token: f.cashier.token });
    expect(live.body.runningCostMinor).toBeGreaterThanOrEqual(200);
    expect(live.body.availableMinor).toBe(10_000 - live.body.runningCostMinor);
    const ended = await end(f, started.body.id);
    expect(ended.status).toBe(200);
    const price = await enginePrice(started.body.id);
    expect(price).toBeGreaterThanOrEqual(200);
    expect(ended.body).toMatchObject({ status: 'COMPLETED', costMinor: price, chargedMinor: price, settled: true });
    const rows = await app.database.db.select().from(transactions).where(and(eq(transactions.sessionId, started.body.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'SESSION_PAYMENT', amountMinor: -price, paymentMethod: 'BALANCE' });
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(10_000 - price);
    const pc = await app.request('GET', `/api/v1/pcs/${f.station.id}`, { token: f.cashier.token });
    expect(pc.body.status).toBe('AVAILABLE');
    expect((await verifyLedger(app.database.db, f.org.organizationId)).mismatches).toEqual([]);
  });

  it('S10: 10 concurrent ends → exactly one ends it, the rest SESSION_ALREADY_ENDED, one payment row', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 10_000);
    const started = await start(f, { customerId: customer.id });
    await sleep(1100);
    const results = await Promise.all(Array.from({ length: 10 }, () => end(f, started.body.id)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const losers = results.filter((r) => r.status !== 200);
    expect(losers.every((r) => r.status === 409 && r.body.error.code === 'SESSION_ALREADY_ENDED')).toBe(true);
    const rows = await app.database.db.select().from(transactions).where(and(eq(transactions.sessionId, started.body.id), eq(transactions.type, 'SESSION_PAYMENT')));
    expect(rows).toHaveLength(1);
  });

  it('S1: a second session on the same PC is refused with PC_IN_USE, also in parallel', async () => {
    const f = await floor();
    const a = await newCustomer(app, f.org);
    const b = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, a.id, 10_000);
    await recharge(app, f.org, f.cashier.token, b.id, 10_000);
    const results = await Promise.all([start(f, { customerId: a.id }), start(f, { customerId: b.id }), start(f, { customerId: b.id })]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'PC_IN_USE')).toBe(true);
    const live = await app.database.db.select().from(sessions).where(and(eq(sessions.pcId, f.station.id), eq(sessions.status, 'ACTIVE')));
    expect(live).toHaveLength(1);
  });

  it('a replayed start returns the same session, never a second one', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 10_000);
    const key = idem();
    const [a, b] = await Promise.all([start(f, { customerId: customer.id }, f.cashier.token, key), start(f, { customerId: customer.id }, f.cashier.token, key)]);
    expect(a.body.id).toBe(b.body.id);
    const all = await app.database.db.select().from(sessions).where(eq(sessions.pcId, f.station.id));
    expect(all).toHaveLength(1);
  });
});

describe('S8: no silent free time', () => {
  it('balance 0 cannot start; a 0 tariff cannot start; only a manager grant with an end time, audited', async () => {
    const f = await floor();
    const broke = await newCustomer(app, f.org);
    const refused = await start(f, { customerId: broke.id });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('INSUFFICIENT_BALANCE');

    const free = await floor({ ratePerHourMinor: 0, granularity: 'minute', minimumChargeMinor: 0 });
    const rich = await newCustomer(app, free.org);
    await recharge(app, free.org, free.cashier.token, rich.id, 10_000);
    const zero = await start(free, { customerId: rich.id });
    expect(zero.status).toBe(422);
    expect(zero.body.error.code).toBe('TARIFF_NOT_CONFIGURED');
    const guest = await start(free, { postpaidGuest: { label: 'Invitado 1' } });
    expect(guest.body.error.code).toBe('TARIFF_NOT_CONFIGURED');

    const endsAt = new Date(Date.now() + 30 * 60_000).toISOString();
    const byCashier = await start(free, { customerId: rich.id, freeGrant: { endsAt, reason: 'Torneo' } });
    expect(byCashier.body.error.code).toBe('FREE_SESSION_NOT_ALLOWED');
    const noEnd = await start(free, { customerId: rich.id, freeGrant: { reason: 'Torneo' } }, free.org.managerToken);
    expect(noEnd.status).toBe(400);
    const past = await start(free, { customerId: rich.id, freeGrant: { endsAt: new Date(Date.now() - 1000).toISOString(), reason: 'Torneo' } }, free.org.managerToken);
    expect(past.status).toBe(400);
    const granted = await start(free, { customerId: rich.id, freeGrant: { endsAt, reason: 'Torneo' } }, free.org.managerToken);
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ kind: 'FREE_GRANT', hardEndAt: endsAt, freeUntil: endsAt });
    const audit = await app.database.db.select().from(auditLogs).where(and(eq(auditLogs.entityId, granted.body.id), eq(auditLogs.action, 'session.free_grant')));
    expect(audit).toHaveLength(1);
    await sleep(1100);
    const ended = await app.request('POST', `/api/v1/sessions/${granted.body.id}/end`, { token: free.org.managerToken, body: {} });
    expect(ended.body).toMatchObject({ costMinor: 0, chargedMinor: 0 });
    expect(await balanceOf(app, free.cashier.token, rich.id)).toBe(10_000);
  });
});

describe('S9: tariff changes and billing toggles', () => {
  it('a running session keeps the rate it started with; new sessions get the new one; balance moves only through ledger rows', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 100_000);
    const started = await start(f, { customerId: customer.id });
    await sleep(1100);
    // owner doubles the rate, then switches to per-minute, then back
    await setTariff(app, f.org, f.zoneId, { ...PER_SECOND, ratePerHourMinor: 720_000 });
    await setTariff(app, f.org, f.zoneId, { ...PER_SECOND, granularity: 'minute' });
    await setTariff(app, f.org, f.zoneId, { ...PER_SECOND, ratePerHourMinor: 720_000 });
    await sleep(1100);
    const ended = await end(f, started.body.id);
    const [row] = await app.database.db.select().from(sessions).where(eq(sessions.id, started.body.id));
    expect((row!.tariffSnapshot as TariffSnapshot).ratePerHourMinor).toBe(360_000);
    expect(ended.body.costMinor).toBe(ended.body.billedSeconds * 100);
    const history = await app.request('GET', `/api/v1/zones/${f.zoneId}/tariffs`, { token: f.org.managerToken });
    expect(history.body).toHaveLength(4);
    expect(history.body.filter((t: { effectiveTo: string | null }) => t.effectiveTo === null)).toHaveLength(1);
    const next = await start(f, { customerId: customer.id });
    await sleep(1100);
    const ended2 = await end(f, next.body.id);
    expect(ended2.body.costMinor).toBe(ended2.body.billedSeconds * 200);
    const rows = await app.database.db.select().from(transactions).where(eq(transactions.userId, customer.id));
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(rows.reduce((s, r) => s + r.amountMinor, 0));
    expect((await verifyLedger(app.database.db, f.org.organizationId)).mismatches).toEqual([]);
  });
});

describe('live balance protects money a running session already consumed', () => {
  it('a shop charge cannot spend what the session used; the session still settles in full', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 1000);
    const started = await start(f, { customerId: customer.id });
    await sleep(2200);
    const tooMuch = await app.request('POST', `/api/v1/customers/${customer.id}/charges`, {
      token: f.cashier.token,
      headers: { 'idempotency-key': idem() },
      body: { lanCenterId: f.org.lanCenterId, amountMinor: 900, reason: 'Gaseosa y snack' },
    });
    expect(tooMuch.status).toBe(402);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const ended = await end(f, started.body.id);
    expect(ended.body.uncollectedMinor).toBe(0);
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(1000 - ended.body.costMinor);
  });
});

describe('postpaid guests and pause', () => {
  it('a postpaid guest pays at the counter into the shift; paused time is not billed', async () => {
    const f = await floor();
    const started = await start(f, { postpaidGuest: { label: 'Invitado 7' } });
    expect(started.body).toMatchObject({ kind: 'GUEST_POSTPAID', customerName: 'Invitado 7' });
    await sleep(1100);
    const paused = await app.request('POST', `/api/v1/sessions/${started.body.id}/pause`, { token: f.cashier.token });
    expect(paused.body.status).toBe('PAUSED');
    const frozen = paused.body.costMinor;
    await sleep(1500);
    const still = await app.request('GET', `/api/v1/sessions/${started.body.id}`, { token: f.cashier.token });
    expect(still.body.costMinor).toBe(frozen);
    await app.request('POST', `/api/v1/sessions/${started.body.id}/resume`, { token: f.cashier.token });
    await sleep(1100);
    const ended = await end(f, started.body.id, { paymentMethod: 'CASH' });
    expect(ended.status).toBe(200);
    const price = await enginePrice(started.body.id);
    expect(ended.body).toMatchObject({ costMinor: price, chargedMinor: price, settled: true });
    expect(ended.body.billedSeconds).toBeLessThan(4);
    const shift = await app.request('GET', '/api/v1/shifts/current', { token: f.cashier.token });
    expect(shift.body.totals.byType.SESSION_PAYMENT).toEqual({ count: 1, tenderedMinor: price, amountMinor: 0 });
    expect(shift.body.expectedCashMinor).toBe(10_000 + price);
  });

  it('ended without payment → unsettled until the guest pays (once)', async () => {
    const f = await floor();
    const started = await start(f, { postpaidGuest: { label: 'Invitado 8' } });
    await sleep(1100);
    const ended = await end(f, started.body.id);
    expect(ended.body.settled).toBe(false);
    const pay = () => app.request('POST', `/api/v1/sessions/${started.body.id}/settle`, { token: f.cashier.token, body: { paymentMethod: 'YAPE', lanCenterId: f.org.lanCenterId } });
    const [a, b] = await Promise.all([pay(), pay()]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const rows = await app.database.db.select().from(transactions).where(eq(transactions.sessionId, started.body.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ paymentMethod: 'YAPE', tenderedMinor: ended.body.costMinor });
  });
});

describe('agent PCs that cannot answer', () => {
  it('an unpaired PC is refused at once with PC_NOT_AVAILABLE; nothing is created or charged', async () => {
    const f = await floor();
    const pc = await newPc(app, f.org, f.zoneId, 'PC-04');
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 5000);
    const startedAt = Date.now();
    const res = await app.request('POST', '/api/v1/sessions', { token: f.cashier.token, headers: { 'idempotency-key': idem() }, body: { pcId: pc.id, customerId: customer.id } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'PC_NOT_AVAILABLE', details: { reason: 'not_paired' } });
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(await app.database.db.select().from(sessions).where(eq(sessions.pcId, pc.id))).toEqual([]);
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(5000);
    const pcNow = await app.request('GET', `/api/v1/pcs/${pc.id}`, { token: f.cashier.token });
    expect(pcNow.body.status).toBe('OFFLINE');
  });
});

describe('S3 (server side): closing time limits the session', () => {
  it('hardEndAt is the LAN’s local closing time; a closed LAN refuses', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 5000);
    // open from one hour ago to one hour ahead, in Lima's local time (UTC−5, no DST)
    const hm = (ms: number) => new Date(ms - 5 * 3600_000).toISOString().slice(11, 16);
    const now = Date.now();
    const weekday = new Date(now - 5 * 3600_000).getUTCDay();
    const close = hm(now + 3600_000);
    const openHours = { alwaysOpen: false, days: [{ day: weekday, open: hm(now - 3600_000), close }] };
    const patched = await app.request('PATCH', `/api/v1/lan-centers/${f.org.lanCenterId}`, { token: f.org.managerToken, body: { settings: { openingHours: openHours } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const started = await start(f, { customerId: customer.id });
    expect(started.status).toBe(201);
    expect(started.body.hardEndAt.slice(11, 16)).toBe(hm(now + 3600_000 + 5 * 3600_000));
    await end(f, started.body.id);
    const closed = { alwaysOpen: false, days: [{ day: (weekday + 3) % 7, open: '09:00', close: '10:00' }] };
    await app.request('PATCH', `/api/v1/lan-centers/${f.org.lanCenterId}`, { token: f.org.managerToken, body: { settings: { openingHours: closed } } });
    const refused = await start(f, { customerId: customer.id });
    expect(refused.body.error.code).toBe('LAN_CLOSED');
  });
});

describe('prepaid time packages are consumed before balance', () => {
  it('a package bought from the balance covers the session; the balance pays nothing more; ledger verifies', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    await recharge(app, f.org, f.cashier.token, customer.id, 10_000);
    const pkg = await app.request('POST', '/api/v1/time-packages', {
      token: f.org.managerToken,
      body: { name: '1 hora gamer', seconds: 3600, priceMinor: 500, zoneIds: [f.zoneId] },
    });
    expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
    const sale = await app.request('POST', `/api/v1/customers/${customer.id}/packages`, {
      token: f.cashier.token,
      headers: { 'idempotency-key': idem() },
      body: { packageId: pkg.body.id, lanCenterId: f.org.lanCenterId, paymentMethod: 'BALANCE' },
    });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    expect(sale.body.transaction).toMatchObject({ type: 'STORE_PURCHASE', amountMinor: -500 });
    const started = await start(f, { customerId: customer.id });
    await sleep(2100);
    const ended = await end(f, started.body.id);
    expect(ended.body.costMinor).toBe(0);
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(9500);
    const account = await app.request('GET', `/api/v1/customers/${customer.id}/account`, { token: f.cashier.token });
    expect(account.body.packages[0].secondsRemaining).toBe(3600 - ended.body.billedSeconds);
    expect((await verifyLedger(app.database.db, f.org.organizationId)).mismatches).toEqual([]);
  });

  it('a package sold for cash lands in the shift and leaves the balance alone', async () => {
    const f = await floor();
    const customer = await newCustomer(app, f.org);
    const pkg = await app.request('POST', '/api/v1/time-packages', { token: f.org.managerToken, body: { name: '3 horas', seconds: 10_800, priceMinor: 1000 } });
    const sale = await app.request('POST', `/api/v1/customers/${customer.id}/packages`, {
      token: f.cashier.token,
      headers: { 'idempotency-key': idem() },
      body: { packageId: pkg.body.id, lanCenterId: f.org.lanCenterId, paymentMethod: 'CASH' },
    });
    expect(sale.body.transaction).toMatchObject({ amountMinor: 0, tenderedMinor: 1000, paymentMethod: 'CASH' });
    expect(await balanceOf(app, f.cashier.token, customer.id)).toBe(0);
    const started = await start(f, { customerId: customer.id });
    expect(started.status, 'a package alone is enough to start').toBe(201);
    const shift = await app.request('GET', '/api/v1/shifts/current', { token: f.cashier.token });
    expect(shift.body.expectedCashMinor).toBe(10_000 + 1000);
  });
});
