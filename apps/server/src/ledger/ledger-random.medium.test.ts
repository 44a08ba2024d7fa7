 
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, isNotNull } from 'drizzle-orm';
import { accounts, sessions, transactions } from '../db/schema.js';
import { startTestApp, type TestApp, type TestResponse } from '../testing/test-app.js';
import { idem, newCashier, newConsole, newCustomer, newOrg, newZone, openShift, setTariff, type OrgFixture } from '../testing/factories.js';
import { verifyLedger } from './ledger-verify.js';

/**
 * Randomized concurrency test of the money path: waves of mixed operations fired at once through the
 * real HTTP stack, then every invariant checked against what the responses said.
 * Reproduce a failure with LEDGER_RANDOM_SEED=<printed seed>; size with LEDGER_RANDOM_OPS.
 */

/** mulberry32: small, fast, seedable. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

const SEED = process.env.LEDGER_RANDOM_SEED ? Number(process.env.LEDGER_RANDOM_SEED) : Math.floor(Math.random() * 2 ** 31);
const TOTAL_OPS = Number(process.env.LEDGER_RANDOM_OPS ?? 400);
const WAVES = 10;
const CUSTOMERS = 6;
const STATIONS = 4;
const FLOAT = 20_000;
const PER_SECOND = { ratePerHourMinor: 36_000, granularity: 'second', minimumChargeMinor: 0 }; // 0.10 per second

type Kind = 'recharge' | 'charge' | 'refund' | 'adjust' | 'start' | 'end';
interface Op {
  kind: Kind;
  key: string | null;
  url: string;
  token: string;
  body: Record<string, unknown>;
  customerId: string | null;
  /** the amount this op should move on the balance if accepted (sessions: from the response) */
  expectedDelta: number;
  refundOf?: string;
  replay?: boolean;
  reused?: boolean;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('randomized ledger concurrency', () => {
  it(`waves of mixed money operations end with 0 cents of drift (seed ${SEED})`, async () => {
    console.log(`ledger-random: seed=${SEED} ops=${TOTAL_OPS} (override with LEDGER_RANDOM_SEED / LEDGER_RANDOM_OPS)`);
    const started = Date.now();
    const rnd = prng(SEED);
    const org: OrgFixture = await newOrg(app);
    const cashiers = [await newCashier(app, org), await newCashier(app, org)];
    const shifts = [await openShift(app, org, cashiers[0]!.token, FLOAT), await openShift(app, org, cashiers[1]!.token, FLOAT)];
    const zone = await newZone(app, org, 'Consolas');
    await setTariff(app, org, zone.id, PER_SECOND);
    const stations: { id: string }[] = [];
    for (let i = 0; i < STATIONS; i++) stations.push(await newConsole(app, org, zone.id));
    const customers: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) customers.push((await newCustomer(app, org)).id);

    // what the responses told us
    const expected = new Map<string, number>(customers.map((c) => [c, 0]));
    const cashByShift = new Map<string, Record<string, number>>(shifts.map((s) => [s.id, {}]));
    const accepted = new Map<string, { op: Op; body: any }>(); // idempotency key → first 201
    const refundable: { id: string; magnitude: number; refunded: number; type: string }[] = [];
    const refundedByOriginal = new Map<string, number>();
    const running = new Map<string, { sessionId: string; customerId: string }>(); // station → live session
    const ended = new Set<string>();
    const stats: Record<string, number> = {};
    const count = (label: string) => (stats[label] = (stats[label] ?? 0) + 1);

    const cashier = () => rnd.pick(cashiers);
    const money = (kind: Kind, url: string, token: string, body: Record<string, unknown>, customerId: string | null, expectedDelta: number, refundOf?: string): Op => ({
      kind,
      key: idem(),
      url,
      token,
      body,
      customerId,
      expectedDelta,
      ...(refundOf ? { refundOf } : {}),
    });

    function randomOp(earlier: Op[], thisWave: Op[]): Op {
      const r = rnd.next();
      const customerId = rnd.pick(customers);
      if (r < 0.28) {
        const amountMinor = rnd.int(1, 60) * 50;
        return money('recharge', `/api/v1/customers/${customerId}/recharges`, cashier().token, { lanCenterId: org.lanCenterId, amountMinor, paymentMethod: rnd.pick(['CASH', 'CASH', 'YAPE', 'CARD', 'PLIN']) }, customerId, amountMinor);
      }
      if (r < 0.5) {
        const amountMinor = rnd.int(1, 2500);
        return money('charge', `/api/v1/customers/${customerId}/charges`, cashier().token, { lanCenterId: org.lanCenterId, amountMinor, type: rnd.pick(['STORE_PURCHASE', 'PENALTY']), reason: 'Venta aleatoria' }, customerId, -amountMinor);
      }
      if (r < 0.63 && refundable.length) {
        const original = rnd.pick(refundable);
        const left = original.magnitude - original.refunded;
        // mostly within what is left, sometimes more (must be refused), sometimes the rest
        const amountMinor = Math.max(1, rnd.chance(0.15) ? left + rnd.int(1, 500) : rnd.chance(0.2) ? left : rnd.int(1, Math.max(1, Math.floor(left / 2))));
        const sign = original.type === 'RECHARGE' ? -1 : 1;
        return money('refund', `/api/v1/transactions/${original.id}/refunds`, cashier().token, { lanCenterId: org.lanCenterId, amountMinor, reason: 'Devolución aleatoria' }, null, sign * amountMinor, original.id);
      }
      if (r < 0.7) {
        const amountMinor = rnd.chance(0.6) ? rnd.int(1, 1500) : -rnd.int(1, 1500);
        return money('adjust', `/api/v1/customers/${customerId}/adjustments`, org.managerToken, { lanCenterId: org.lanCenterId, amountMinor, reason: 'Corrección aleatoria' }, customerId, amountMinor);
      }
      // a replay of an earlier or concurrent request (same key, same body), or a key reused with another body
      const pool = [...earlier.filter((o) => o.key && o.kind !== 'start' && accepted.has(o.key)), ...thisWave.filter((o) => o.key && !o.reused)];
      if (!pool.length) return randomOp(earlier, thisWave);
      const source = rnd.pick(pool);
      if (r > 0.96 && accepted.has(source.key!) && source.kind !== 'start') {
        const body = { ...source.body, amountMinor: (source.body.amountMinor as number) + (source.kind === 'adjust' && (source.body.amountMinor as number) < 0 ? -1 : 1) };
        return { ...source, body, reused: true, replay: false };
      }
      return { ...source, replay: true };
    }

    const send = (op: Op): Promise<TestResponse<any>> =>
      app.request('POST', op.url, { token: op.token, ...(op.key ? { headers: { 'idempotency-key': op.key } } : {}), body: op.body });

    const all: Op[] = [];
    const waveMs: number[] = [];
    const perWave = Math.ceil(TOTAL_OPS / WAVES);
    for (let wave = 0; wave < WAVES; wave++) {
      const ops: Op[] = [];
      const ending = new Set<string>();
      // sessions: end some of the running ones (sometimes twice at once), start on free stations
      // (ends are batched into every third wave: ending a station's session also notifies its agent,
      // which costs the same wait whether one or many sessions end in a wave)
      const last = wave === WAVES - 1;
      const endWave = last || (wave > 0 && wave % 3 === 0);
      for (const [stationId, live] of [...running]) {
        if (!endWave || !(last || rnd.chance(0.7))) continue;
        const end: Op = { kind: 'end', key: null, url: `/api/v1/sessions/${live.sessionId}/end`, token: cashier().token, body: {}, customerId: live.customerId, expectedDelta: 0 };
        ops.push(end);
        if (rnd.chance(0.3)) ops.push({ ...end, token: cashier().token, replay: true });
        running.delete(stationId);
        ending.add(stationId); // a start racing this end could legitimately get PC_IN_USE
      }
      for (const station of stations) {
        if (last || running.has(station.id) || ending.has(station.id) || !rnd.chance(0.6)) continue;
        const customerId = rnd.pick(customers);
        const start: Op = { kind: 'start', key: idem(), url: '/api/v1/sessions', token: cashier().token, body: { pcId: station.id, customerId }, customerId, expectedDelta: 0 };
        ops.push(start);
        if (rnd.chance(0.25)) ops.push({ ...start, replay: true });
        running.set(station.id, { sessionId: '', customerId }); // placeholder: fixed up from the response
      }
      while (ops.length < perWave) ops.push(randomOp(all, ops));
      // shuffle (Fisher–Yates) so kinds interleave
      for (let i = ops.length - 1; i > 0; i--) {
        const j = rnd.int(0, i);
        [ops[i], ops[j]] = [ops[j]!, ops[i]!];
      }
      const waveStart = Date.now();
      const responses = await Promise.all(ops.map(send));
      waveMs.push(Date.now() - waveStart);

      ops.forEach((op, i) => {
        const res = responses[i]!;
        expect(res.status, `${op.kind} ${op.url} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
        count(`${op.kind}${op.replay ? ':replay' : op.reused ? ':reused' : ''} ${res.status}`);
        if (op.reused) {
          expect(res.status, JSON.stringify(res.body)).toBe(422);
          expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
          return;
        }
        if (op.kind === 'end') {
          if (res.status === 200) {
            expect(ended.has(res.body.id), 'a session is settled once').toBe(false);
            ended.add(res.body.id);
            expect(res.body.status).toBe('COMPLETED');
            expect(res.body.chargedMinor + res.body.uncollectedMinor).toBe(res.body.costMinor);
            expected.set(op.customerId!, expected.get(op.customerId!)! - res.body.chargedMinor);
          } else {
            expect(res.body.error.code).toBe('SESSION_ALREADY_ENDED');
          }
          return;
        }
        if (op.kind === 'start') {
          const first = accepted.get(op.key!);
          if (res.status === 201) {
            if (first) expect(res.body.id, 'a replayed start returns the same session').toBe(first.body.id);
            else accepted.set(op.key!, { op, body: res.body });
            const stationId = op.body.pcId as string;
            running.set(stationId, { sessionId: res.body.id, customerId: op.customerId! });
          } else {
            expect(['INSUFFICIENT_BALANCE']).toContain(res.body.error.code);
          }
          return;
        }
        if (res.status !== 201) {
          expect(['INSUFFICIENT_BALANCE', 'REFUND_EXCEEDS_ORIGINAL'], JSON.stringify(res.body)).toContain(res.body.error.code);
          return;
        }
        const first = accepted.get(op.key!);
        if (first) {
          expect(res.body, 'a replay returns the first response byte for byte').toEqual(first.body);
          return;
        }
        accepted.set(op.key!, { op, body: res.body });
        const t = res.body.transaction;
        expect(t.amountMinor).toBe(op.expectedDelta);
        expect(t.balanceAfterMinor - t.balanceBeforeMinor).toBe(t.amountMinor);
        expect(t.balanceAfterMinor).toBeGreaterThanOrEqual(0);
        expected.set(t.customerId, expected.get(t.customerId)! + t.amountMinor);
        if (t.shiftId) {
          const byMethod = cashByShift.get(t.shiftId)!;
          byMethod[t.paymentMethod] = (byMethod[t.paymentMethod] ?? 0) + t.tenderedMinor;
        }
        if (op.kind === 'recharge' || op.kind === 'charge') refundable.push({ id: t.id, magnitude: Math.abs(t.amountMinor), refunded: 0, type: t.type });
        if (op.kind === 'refund') {
          const original = refundable.find((o) => o.id === op.refundOf)!;
          original.refunded += op.body.amountMinor as number;
          refundedByOriginal.set(original.id, original.refunded);
          expect(original.refunded, 'refunds never exceed the original').toBeLessThanOrEqual(original.magnitude);
        }
      });
      // starts refused for lack of balance leave the station free
      for (const [stationId, live] of [...running]) if (!live.sessionId) running.delete(stationId);
      all.push(...ops);
      await new Promise((r) => setTimeout(r, rnd.int(50, 250))); // let sessions accrue some cost
    }

    // settle anything still running (the last wave ended them all, so normally none)
    const finals = await Promise.all(
      [...running.values()].map(async (live) => ({ live, res: await app.request('POST', `/api/v1/sessions/${live.sessionId}/end`, { token: cashiers[0]!.token, body: {} }) })),
    );
    for (const { live, res } of finals) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ended.add(res.body.id);
      expected.set(live.customerId, expected.get(live.customerId)! - res.body.chargedMinor);
      count('end(final) 200');
    }

    // ── invariants ──────────────────────────────────────────────────────────
    const report = await verifyLedger(app.database.db, org.organizationId);
    expect(report.mismatches).toEqual([]);
    expect(report.accounts).toBe(CUSTOMERS);
    const db = app.database.db;
    const moneyRows = await db.select().from(transactions).where(eq(transactions.organizationId, org.organizationId));
    const rows = await db.select().from(accounts).where(inArray(accounts.userId, customers));
    for (const row of rows) {
      const sum = moneyRows.filter((r) => r.accountId === row.id).reduce((s, r) => s + r.amountMinor, 0);
      expect(row.balanceMinor, `balance = Σ rows for ${row.userId}`).toBe(sum);
      expect(row.balanceMinor).toBeGreaterThanOrEqual(0);
      expect(row.balanceMinor, `0 cents of drift for ${row.userId}`).toBe(expected.get(row.userId));
    }
    // one ledger row per accepted key (replays wrote nothing) plus one per settled session
    const settledSessions = await db.select().from(sessions).where(isNotNull(sessions.settledAt));
    const ours = settledSessions.filter((s) => s.organizationId === org.organizationId);
    expect(ours.length).toBe(ended.size);
    const acceptedMoney = [...accepted.values()].filter((a) => a.op.kind !== 'start').length;
    const sessionPayments = moneyRows.filter((r) => r.type === 'SESSION_PAYMENT').length;
    expect(moneyRows.length - sessionPayments).toBe(acceptedMoney);
    expect(sessionPayments).toBeLessThanOrEqual(ended.size);
    expect(ours.every((s) => s.chargedMinor + s.uncollectedMinor === s.totalCostMinor)).toBe(true);
    // refunds never exceeded originals (database view)
    const byOriginal = new Map<string, number>();
    for (const r of moneyRows) if (r.refundOfId) byOriginal.set(r.refundOfId, (byOriginal.get(r.refundOfId) ?? 0) + Math.max(Math.abs(r.amountMinor), Math.abs(r.tenderedMinor)));
    for (const [id, refunded] of byOriginal) {
      const original = moneyRows.find((r) => r.id === id)!;
      expect(refunded).toBeLessThanOrEqual(Math.max(Math.abs(original.amountMinor), Math.abs(original.tenderedMinor)));
      expect(refunded).toBe(refundedByOriginal.get(id));
    }
    // shift totals equal the sum of their cash rows and what the responses said
    for (const [i, shift] of shifts.entries()) {
      const current = await app.request('GET', '/api/v1/shifts/current', { token: cashiers[i]!.token });
      expect(current.status).toBe(200);
      expect(current.body.id).toBe(shift.id);
      const own = moneyRows.filter((r) => r.shiftId === shift.id);
      const byMethod: Record<string, number> = {};
      for (const r of own) byMethod[r.paymentMethod] = (byMethod[r.paymentMethod] ?? 0) + r.tenderedMinor;
      expect(current.body.totals.byMethod).toEqual(byMethod);
      const fromResponses = Object.fromEntries(Object.entries(cashByShift.get(shift.id)!));
      expect(current.body.totals.byMethod).toEqual(fromResponses);
      expect(current.body.totals.transactions).toBe(own.length);
      const cash = own.filter((r) => r.paymentMethod === 'CASH').reduce((s, r) => s + r.tenderedMinor, 0);
      expect(current.body.expectedCashMinor).toBe(FLOAT + cash);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`ledger-random: seed=${SEED} ${all.length} ops + ${finals.length} final ends in ${seconds}s on ${app.database.kind}; ${moneyRows.length} ledger rows, ${ended.size} sessions settled; waves took ${waveMs.join('/')} ms`);
    console.log(`ledger-random: ${JSON.stringify(Object.fromEntries(Object.entries(stats).sort()))}`);
  });
});
