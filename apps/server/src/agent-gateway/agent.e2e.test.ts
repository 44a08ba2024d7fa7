/**
 * Issue 4 "Done when": real agent processes (apps/agent/dist/agent.mjs) against a real listening
 * server (this process, real port, real database). No mocks on either side.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { priceSession } from '@econtrol/billing';
import { agentEvents, auditLogs, notifications, sessionIntervals, sessions, transactions } from '../db/schema.js';
import type { Database } from '../db/database.js';
import { engineTariff, type TariffSnapshot } from '../sessions/session-pricing.js';
import { openTestDatabase } from '../testing/test-app.js';
import { balanceOf, idem, newCustomer, newOrg, newPc, newZone, openShift, recharge, setTariff, type OrgFixture } from '../testing/factories.js';
import { AgentProcess, type ApiBody, listen, pairingCode, pcRow, sleep, waitUntil, type LiveServer } from './testing/agent-harness.js';

const CONFIG = { SESSION_ACK_TIMEOUT_MS: '2500', HEARTBEAT_INTERVAL_S: '5', PC_OFFLINE_AFTER_S: '7' };
const PER_SECOND = { ratePerHourMinor: 360_000, granularity: 'second', minimumChargeMinor: 0 }; // 1.00 per second

let db: { database: Database; close: () => Promise<void> };
let server: LiveServer;
const agents: AgentProcess[] = [];
const extraServers: LiveServer[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  server = await listen(CONFIG, db.database);
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.dispose()));
  await Promise.all(extraServers.splice(0).map((s) => s.close().catch(() => undefined)));
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

interface Floor {
  srv: LiveServer;
  org: OrgFixture;
  zoneId: string;
  pc: { id: string; name: string };
  customer: { id: string; username: string };
  agent: AgentProcess;
}

async function floor(srv: LiveServer = server, opts: { tariff?: Record<string, unknown>; balance?: number; env?: Record<string, string>; waitOnline?: boolean } = {}): Promise<Floor> {
  const app = srv.app;
  const org = await newOrg(app);
  const zone = await newZone(app, org);
  await setTariff(app, org, zone.id, opts.tariff ?? PER_SECOND);
  const pc = await newPc(app, org, zone.id);
  await openShift(app, org, org.managerToken);
  const customer = await newCustomer(app, org);
  const r = await recharge(app, org, org.managerToken, customer.id, opts.balance ?? 100_000);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const code = await pairingCode(app, org, pc.id);
  const agent = await AgentProcess.start({ serverUrl: srv.url, pairingCode: code, ...(opts.env ? { env: opts.env } : {}) });
  agents.push(agent);
  if (opts.waitOnline !== false) await agent.waitFor((s) => s.connection === 'online', 10_000, 'online');
  return { srv, org, zoneId: zone.id, pc, customer, agent };
}

const startSession = (f: Floor, customerId = f.customer.id) =>
  f.srv.app.request<ApiBody>('POST', '/api/v1/sessions', { token: f.org.managerToken, headers: { 'idempotency-key': idem() }, body: { pcId: f.pc.id, customerId } });
const endSession = (f: Floor, id: string) => f.srv.app.request<ApiBody>('POST', `/api/v1/sessions/${id}/end`, { token: f.org.managerToken, body: {} });

async function sessionRow(sessionId: string) {
  const [row] = await db.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
  return row!;
}

async function intervalsOf(sessionId: string) {
  return db.database.db.select().from(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId)).orderBy(sessionIntervals.startedAt);
}

/** The engine's price for the intervals the database recorded. */
async function enginePrice(sessionId: string): Promise<{ amountMinor: number; billedSeconds: number }> {
  const row = await sessionRow(sessionId);
  const intervals = await intervalsOf(sessionId);
  return priceSession({
    tariff: engineTariff(row.tariffSnapshot as TariffSnapshot),
    member: row.kind === 'MEMBER',
    intervals: intervals.map((i) => ({ startMs: i.startedAt.getTime(), endMs: i.endedAt!.getTime() })),
  });
}

async function payments(sessionId: string) {
  return db.database.db.select().from(transactions).where(and(eq(transactions.sessionId, sessionId), eq(transactions.type, 'SESSION_PAYMENT')));
}

describe('enrollment and a live session', () => {
  it('enrolls with a pairing code; start → agent ack → running → end; the ledger charge is the engine price of the recorded intervals', async () => {
    const f = await floor();
    expect((await pcRow(f.srv.app, f.pc.id)).status).toBe('AVAILABLE');
    const locked = await f.agent.status();
    expect(locked.locked).toBe(true);
    expect(locked.session.phase).toBe('locked');

    const started = await startSession(f);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.status).toBe('ACTIVE');
    const sessionId = started.body.id;
    const running = await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    expect(running.locked).toBe(false);
    expect(running.session.sessionId).toBe(sessionId);
    expect((await pcRow(f.srv.app, f.pc.id)).status).toBe('OCCUPIED');

    await sleep(2_300);
    const ended = await endSession(f, sessionId);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.status).toBe('COMPLETED');
    const after = await f.agent.waitFor((s) => s.session.phase === 'locked', 3_000, 'locked again');
    expect(after.locked).toBe(true);

    const quote = await enginePrice(sessionId);
    const pay = await payments(sessionId);
    expect(pay).toHaveLength(1);
    expect(-pay[0]!.amountMinor).toBe(quote.amountMinor);
    expect(quote.billedSeconds).toBeGreaterThanOrEqual(2);
    expect(quote.billedSeconds).toBeLessThanOrEqual(4);
    expect(ended.body.chargedMinor).toBe(quote.amountMinor);
    expect(await balanceOf(f.srv.app, f.org.managerToken, f.customer.id)).toBe(100_000 - quote.amountMinor);
    expect((await intervalsOf(sessionId)).every((i) => i.source === 'agent')).toBe(true);
    expect((await pcRow(f.srv.app, f.pc.id)).status).toBe('AVAILABLE');
  });

  it('the local API refuses a foreign Origin and a wrong Host header', async () => {
    const f = await floor(server, { waitOnline: false });
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: f.agent.port, path: '/session/status', headers: { 'x-agent-token': f.agent.token, ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get({})).toBe(200);
    expect(await get({ origin: 'http://evil.example' })).toBe(403);
    expect(await get({ host: `evil.example:${f.agent.port}` })).toBe(421);
  });

  it('a PC retired while its agent runs is refused at once; the agent stays locked', async () => {
    const f = await floor();
    const res = await f.srv.app.request<ApiBody>('DELETE', `/api/v1/pcs/${f.pc.id}`, { token: f.org.managerToken });
    expect(res.status).toBe(204);
    const s = await f.agent.waitFor((x) => x.connection === 'revoked', 5_000, 'revoked');
    expect(s.locked).toBe(true);
  });
});

describe('S1: one active session per PC', () => {
  it('lock-screen login starts a session; a second login and a console start are refused with PC_IN_USE', async () => {
    const f = await floor();
    const other = await newCustomer(f.srv.app, f.org);
    await recharge(f.srv.app, f.org, f.org.managerToken, other.id, 10_000);
    const login = async (username: string) => {
      const res = await fetch(`http://127.0.0.1:${f.agent.port}/session/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent-token': f.agent.token },
        body: JSON.stringify({ kind: 'account', username, password: 'clave-segura-123' }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await login(f.customer.username);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    const second = await login(other.username);
    expect(JSON.stringify(second.body)).toContain('PC_IN_USE');
    const console = await startSession(f, other.id);
    expect(console.status).toBe(409);
    expect(console.body.error.code).toBe('PC_IN_USE');
    const live = await db.database.db.select().from(sessions).where(and(eq(sessions.pcId, f.pc.id), eq(sessions.status, 'ACTIVE')));
    expect(live).toHaveLength(1);
    expect(live[0]!.userId).toBe(f.customer.id);
  });
});

describe('S2: agent killed with SIGKILL mid-session', () => {
  it('restarted, it resumes the same session within 10 s, losing at most 2 s of billed time', async () => {
    const f = await floor();
    const started = await startSession(f);
    const sessionId = started.body.id;
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    await sleep(2_500);
    const killedAt = Date.now();
    await f.agent.kill('SIGKILL');
    const restartedAt = Date.now();
    const again = await AgentProcess.start({ serverUrl: f.srv.url, dataDir: f.agent.dataDir });
    agents.push(again);
    const resumed = await again.waitFor((s) => s.session.phase === 'in_session', 10_000, 'resumed');
    expect(resumed.session.sessionId).toBe(sessionId);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    await sleep(1_500);
    const ended = await endSession(f, sessionId);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const intervals = await intervalsOf(sessionId);
    expect(intervals.length).toBe(2);
    // The first interval ends at the last persisted tick: ≤ 2 s before the kill.
    expect(killedAt - intervals[0]!.endedAt!.getTime()).toBeLessThanOrEqual(2_000);
    expect(intervals[0]!.endedAt!.getTime()).toBeLessThanOrEqual(killedAt + 50);
    // The time the agent was down is not billed.
    expect(intervals[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(restartedAt);
    const quote = await enginePrice(sessionId);
    expect(-(await payments(sessionId))[0]!.amountMinor).toBe(quote.amountMinor);
  });

  it('staff ended it while the agent was down: the agent comes back locked and the PC is free; nothing charged twice', async () => {
    const f = await floor();
    const sessionId = (await startSession(f)).body.id;
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    await sleep(1_500);
    await f.agent.kill('SIGKILL');
    const ended = await endSession(f, sessionId);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const again = await AgentProcess.start({ serverUrl: f.srv.url, dataDir: f.agent.dataDir });
    agents.push(again);
    await again.waitFor((s) => s.connection === 'online', 10_000, 'online');
    const s = await again.waitFor((x) => x.session.phase === 'locked', 10_000, 'locked');
    expect(s.locked).toBe(true);
    expect(s.session.sessionId).toBeNull();
    // Its crash_recovered end is applied once and changes nothing.
    await sleep(500);
    expect(await payments(sessionId)).toHaveLength(1);
    expect((await sessionRow(sessionId)).status).toBe('COMPLETED');
    expect((await pcRow(f.srv.app, f.pc.id)).status).toBe('AVAILABLE');
    const next = await startSession(f);
    expect(next.status, JSON.stringify(next.body)).toBe(201);
  });
});

describe('S6: the agent does not acknowledge', () => {
  it('blocked agent: PC_UNREACHABLE after the timeout, no charge; when it wakes up late it is locked again', async () => {
    const f = await floor();
    f.agent.signal('SIGSTOP');
    const t0 = Date.now();
    const res = await startSession(f);
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('PC_UNREACHABLE');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_400);
    const sessionId = res.body.error.details.sessionId;
    expect((await sessionRow(sessionId)).status).toBe('FAILED');
    f.agent.signal('SIGCONT');
    // The queued start may unlock late; the server answers with session.end → locked again.
    await sleep(1_000);
    await f.agent.waitFor((s) => s.session.phase === 'locked' && s.locked, 8_000, 'locked after late start');
    // The late unlock really happened and was undone: its end reached the server, not applied.
    const lateEnd = await waitUntil(async () => {
      const [row] = await db.database.db.select().from(agentEvents).where(and(eq(agentEvents.pcId, f.pc.id), eq(agentEvents.type, 'session.ended')));
      return row;
    }, 8_000, 'late session.ended');
    expect(lateEnd.result).toMatchObject({ applied: false, status: 'FAILED' });
    expect(await payments(sessionId)).toHaveLength(0);
    expect((await sessionRow(sessionId)).status).toBe('FAILED');
    expect(await balanceOf(f.srv.app, f.org.managerToken, f.customer.id)).toBe(100_000);
  });

  it('agent not running: PC_UNREACHABLE, FAILED, no charge', async () => {
    const f = await floor();
    await f.agent.kill('SIGKILL');
    const res = await startSession(f);
    expect(res.body.error.code).toBe('PC_UNREACHABLE');
    expect(await payments(res.body.error.details.sessionId)).toHaveLength(0);
  });
});

describe('S14: the PC wall clock is 7 minutes ahead', () => {
  it('time and amounts are unchanged', async () => {
    const f = await floor(server, { env: { ECONTROL_AGENT_TEST_CLOCK_OFFSET_MS: String(7 * 60_000) } });
    const sessionId = (await startSession(f)).body.id;
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    await sleep(3_200);
    const live = await f.agent.status();
    expect(live.session.usedSeconds).toBeGreaterThanOrEqual(3);
    expect(live.session.usedSeconds).toBeLessThanOrEqual(4);
    expect(live.session.timeLeftSeconds).toBeGreaterThan(900);
    const ended = await endSession(f, sessionId);
    const quote = await enginePrice(sessionId);
    expect(quote.billedSeconds).toBeGreaterThanOrEqual(3);
    expect(quote.billedSeconds).toBeLessThanOrEqual(4);
    expect(ended.body.chargedMinor).toBe(quote.amountMinor);
    const [interval] = await intervalsOf(sessionId);
    // Positioned in server time, not 7 minutes in the future.
    expect(Math.abs(interval!.startedAt.getTime() - new Date(ended.body.startedAt).getTime())).toBeLessThan(1_000);
    expect(interval!.endedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('S15: an agent speaking an older protocol', () => {
  it('gets AGENT_UPGRADE_REQUIRED and stays locked; sessions cannot start', async () => {
    const f = await floor(server, { env: { ECONTROL_AGENT_TEST_PROTOCOL_VERSION: '0' }, waitOnline: false });
    const s = await f.agent.waitFor((x) => x.connection === 'upgrade_required', 10_000, 'upgrade_required');
    expect(s.locked).toBe(true);
    expect(s.session.phase).toBe('locked');
    expect(f.agent.logs.join('\n')).toContain('AGENT_UPGRADE_REQUIRED');
    const res = await startSession(f);
    expect(res.body.error.code).toBe('PC_UNREACHABLE');
    expect((await f.agent.status()).locked).toBe(true);
  });
});

describe('S16: heartbeat silence while a session runs', () => {
  it('PC flagged OFFLINE after the timeout, managers notified, audited; reconciled when the agent is back', async () => {
    const f = await floor();
    const sessionId = (await startSession(f)).body.id;
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    f.agent.signal('SIGSTOP');
    const stoppedAt = Date.now();
    await waitUntil(async () => (await pcRow(f.srv.app, f.pc.id)).status === 'OFFLINE', 15_000, 'PC OFFLINE');
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2_000);
    expect((await sessionRow(sessionId)).needsReconciliation).toBe(true);
    const notes = await db.database.db.select().from(notifications).where(and(eq(notifications.organizationId, f.org.organizationId), eq(notifications.type, 'pc.offline')));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.audience).toBe('MANAGER');
    expect(notes[0]!.payload).toMatchObject({ pcId: f.pc.id, sessionId });
    const audit = await db.database.db.select().from(auditLogs).where(and(eq(auditLogs.entityId, f.pc.id), eq(auditLogs.action, 'pc.offline')));
    expect(audit).toHaveLength(1);

    f.agent.signal('SIGCONT');
    await waitUntil(async () => (await pcRow(f.srv.app, f.pc.id)).status === 'OCCUPIED', 10_000, 'PC back');
    const back = await db.database.db.select().from(auditLogs).where(and(eq(auditLogs.entityId, f.pc.id), eq(auditLogs.action, 'pc.back_online')));
    expect(back).toHaveLength(1);
    const ended = await endSession(f, sessionId);
    expect(ended.status).toBe(200);
    const row = await sessionRow(sessionId);
    expect(row.needsReconciliation).toBe(false);
    expect(-(await payments(sessionId))[0]!.amountMinor).toBe((await enginePrice(sessionId)).amountMinor);
  });
});

describe('outage: the server stops mid-session', () => {
  it('staff ends the session (on another instance) during the outage: on reconnect the PC is locked, charged once', async () => {
    const other = await listen(CONFIG, db.database);
    const first = await listen(CONFIG, db.database);
    extraServers.push(other);
    const f = await floor(first);
    const sessionId = (await startSession(f)).body.id;
    await f.agent.waitFor((s) => s.session.phase === 'in_session', 3_000, 'in session');
    const port = first.port;
    await first.close();
    await f.agent.waitFor((s) => s.connection !== 'online', 5_000, 'offline');
    const ended = await other.app.request<ApiBody>('POST', `/api/v1/sessions/${sessionId}/end`, { token: f.org.managerToken, body: {} });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect((await f.agent.status()).session.phase).toBe('in_session');
    const restarted = await listen(CONFIG, db.database, port);
    extraServers.push(restarted);
    const s = await f.agent.waitFor((x) => x.session.phase === 'locked' && x.locked, 10_000, 'locked after reconnect');
    expect(s.session.sessionId).toBeNull();
    await sleep(500);
    expect(await payments(sessionId)).toHaveLength(1);
  });

  it('the agent keeps billing locally; after the restart the ledger equals a never-disconnected control run to the cent', async () => {
    // 0.07 per second, balance 0.84 → exactly 12 s of play, ending by balance while the server is down.
    const tariff = { ratePerHourMinor: 25_200, granularity: 'second', minimumChargeMinor: 0 };
    const control = await listen(CONFIG, db.database);
    const outage = await listen(CONFIG, db.database);
    extraServers.push(control);
    const fc = await floor(control, { tariff, balance: 84 });
    const fo = await floor(outage, { tariff, balance: 84 });
    const [sc, so] = await Promise.all([startSession(fc), startSession(fo)]);
    expect(sc.status, JSON.stringify(sc.body)).toBe(201);
    expect(so.status, JSON.stringify(so.body)).toBe(201);
    await sleep(3_000);
    const port = outage.port;
    await outage.close();
    const offline = await fo.agent.waitFor((s) => s.connection !== 'online', 5_000, 'offline');
    expect(offline.session.phase).toBe('in_session');
    // Both end by balance (12 s); the outage agent ends and locks while the server is down.
    await fo.agent.waitFor((s) => s.session.phase === 'locked' && s.locked, 15_000, 'ended offline');
    await waitUntil(async () => (await sessionRow(sc.body.id)).status === 'COMPLETED', 5_000, 'control ended');
    expect((await sessionRow(so.body.id)).status).toBe('ACTIVE');

    const restarted = await listen(CONFIG, db.database, port);
    extraServers.push(restarted);
    await waitUntil(async () => (await sessionRow(so.body.id)).status === 'COMPLETED', 10_000, 'outage session reconciled');

    const c = await sessionRow(sc.body.id);
    const o = await sessionRow(so.body.id);
    expect(o.endReason).toBe('balance_out');
    expect(c.endReason).toBe('balance_out');
    expect(o.billedSeconds).toBe(c.billedSeconds);
    expect(o.totalCostMinor).toBe(c.totalCostMinor);
    expect(o.chargedMinor).toBe(c.chargedMinor);
    expect(o.uncollectedMinor).toBe(c.uncollectedMinor);
    expect(o.offlineSeconds).toBeGreaterThan(0);
    const [pc] = await payments(c.id);
    const [po] = await payments(o.id);
    expect(po!.amountMinor).toBe(pc!.amountMinor);
    expect(po!.balanceAfterMinor).toBe(pc!.balanceAfterMinor);
    expect(await balanceOf(restarted.app, fo.org.managerToken, fo.customer.id)).toBe(await balanceOf(control.app, fc.org.managerToken, fc.customer.id));
    expect(-po!.amountMinor).toBe((await enginePrice(o.id)).amountMinor);
    expect(c.billedSeconds).toBe(12);
  });
});
