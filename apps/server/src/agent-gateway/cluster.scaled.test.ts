/**
 * Issue 7 "Done when" (scaled mode), with real processes only: PostgreSQL (a fresh database) +
 * Redis (a free database index, flushed), three built server instances (dist/main.js) behind
 * Debian's nginx (sticky hash on the client address, WebSocket upgrade), a real agent process
 * connected through nginx, console sockets on other instances.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { priceSession } from '@econtrol/billing';
import { type Database, migratePostgres, openDatabase } from '../db/database.js';
import { sessionIntervals, sessions, transactions } from '../db/schema.js';
import { verifyLedger } from '../ledger/ledger-verify.js';
import { engineTariff, type TariffSnapshot } from '../sessions/session-pricing.js';
import { idem, newCustomer, newOrg, newPc, newZone, openShift, recharge, setTariff } from '../testing/factories.js';
import { AgentProcess, type ApiBody, sleep, waitUntil } from './testing/agent-harness.js';
import { Nginx, ServerProcess, httpApp } from './testing/cluster.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL!;
const REDIS_BASE = process.env.TEST_REDIS_URL!;
/** Heartbeats every 5 s; the watchdog (a cluster job) runs every 12 000 / 4 = 3 000 ms. */
const WATCHDOG_EVERY_MS = 3_000;
const ENV = { SESSION_ACK_TIMEOUT_MS: '4000', HEARTBEAT_INTERVAL_S: '5', PC_OFFLINE_AFTER_S: '12', NODE_ENV: 'production', COOKIE_SECURE: 'false' };

const dbName = `econtrol_scaled_${Date.now()}_${randomBytes(3).toString('hex')}`;
let databaseUrl = '';
let redisUrl = '';
let redis: Redis;
let database: Database;
let nginx: Nginx | undefined;
const servers: ServerProcess[] = [];
const agents: AgentProcess[] = [];
const consoles: Socket[] = [];
let clusterStartedAt = 0;

/** A Redis database index nobody uses right now (keys are per index; channels carry it too). */
async function freeRedisDb(): Promise<number> {
  const probe = new Redis(REDIS_BASE);
  try {
    const databases = Number(((await probe.config('GET', 'databases')) as string[])[1] ?? 16);
    for (let i = 0; i < 20; i++) {
      const candidate = 1 + Math.floor(Math.random() * (databases - 1));
      await probe.select(candidate);
      if ((await probe.dbsize()) === 0) return candidate;
    }
    throw new Error('no empty Redis database index');
  } finally {
    probe.disconnect();
  }
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();
  await migratePostgres(databaseUrl);
  database = await openDatabase({ url: databaseUrl, migrate: false, poolSize: 4 });

  const r = new URL(REDIS_BASE);
  r.pathname = `/${await freeRedisDb()}`;
  redisUrl = r.toString();
  redis = new Redis(redisUrl);
  await redis.flushdb();

  const env = { ...ENV, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
  // The first one creates the shared signing key; the others start together.
  clusterStartedAt = Date.now();
  servers.push(await ServerProcess.start(env));
  servers.push(...(await Promise.all([ServerProcess.start(env), ServerProcess.start(env)])));
  nginx = await Nginx.start(servers.map((s) => s.port));
}, 90_000);

afterAll(async () => {
  for (const c of consoles) c.disconnect();
  await Promise.all(agents.map((a) => a.dispose()));
  await nginx?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await database?.close();
  await redis?.flushdb().catch(() => undefined);
  redis?.disconnect();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}, 60_000);

interface PcUpdate {
  id: string;
  status: string;
}

async function consoleOn(server: ServerProcess, token: string, lanCenterId: string): Promise<{ socket: Socket; updates: PcUpdate[] }> {
  const socket = io(`${server.url}/console`, { parser: msgpackParser, transports: ['websocket'], reconnection: false, auth: { token } });
  consoles.push(socket);
  const updates: PcUpdate[] = [];
  socket.on('pc.updated', (pc: PcUpdate) => updates.push({ id: pc.id, status: pc.status }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(5_000).emitWithAck('floor.subscribe', { lanCenterId })) as { ok: boolean };
  expect(ack.ok).toBe(true);
  return { socket, updates };
}

describe('scaled mode: three instances behind nginx on PostgreSQL + Redis', () => {
  it('a session started on B reaches the agent on A; consoles on B and C see it once; SIGKILL A → the agent moves, the session goes on, the ledger is exact; jobs run once per cluster', async () => {
    // A = the instance nginx sends this machine's clients (the agent) to; B, C = the others.
    const aPort = await nginx!.upstreamPort();
    const A = servers.find((s) => s.port === aPort)!;
    expect(A, `upstream ${aPort}`).toBeDefined();
    const [B, C] = servers.filter((s) => s !== A) as [ServerProcess, ServerProcess];
    const apiB = httpApp(B.url);

    const org = await newOrg(apiB);
    const zone = await newZone(apiB, org);
    await setTariff(apiB, org, zone.id, { ratePerHourMinor: 360_000, granularity: 'second', minimumChargeMinor: 0 });
    const pc = await newPc(apiB, org, zone.id);
    await openShift(apiB, org, org.managerToken);
    const customer = await newCustomer(apiB, org);
    expect((await recharge(apiB, org, org.managerToken, customer.id, 100_000)).status).toBe(201);
    const code = await apiB.request<ApiBody>('POST', `/api/v1/pcs/${pc.id}/pairing-code`, { token: org.managerToken });
    expect(code.status).toBe(201);

    const agent = await AgentProcess.start({ serverUrl: nginx!.url, pairingCode: (code.body as unknown as { code: string }).code });
    agents.push(agent);
    await agent.waitFor((s) => s.connection === 'online', 15_000, 'online through nginx');

    const onB = await consoleOn(B, org.managerToken, org.lanCenterId);
    const onC = await consoleOn(C, org.managerToken, org.lanCenterId);

    // Start through B: the command crosses Redis to A, the ack comes back to B.
    await sleep(300);
    const [fromB, fromC] = [onB.updates.length, onC.updates.length];
    const t0 = Date.now();
    const started = await apiB.request<ApiBody>('POST', '/api/v1/sessions', {
      token: org.managerToken,
      headers: { 'idempotency-key': idem() },
      body: { pcId: pc.id, customerId: customer.id },
    });
    const startMs = Date.now() - t0;
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.status).toBe('ACTIVE');
    const sessionId = started.body.id;
    await agent.waitFor((s) => s.session.phase === 'in_session' && s.session.sessionId === sessionId, 5_000, 'in session');

    // Live updates: B made the change, both consoles (B and C) get it, exactly once each.
    const occupied = (u: PcUpdate[]) => u.filter((x) => x.id === pc.id && x.status === 'OCCUPIED').length;
    await waitUntil(() => occupied(onB.updates) >= 1 && occupied(onC.updates) >= 1, 5_000, 'pc.updated OCCUPIED on B and C');
    await sleep(300);
    expect(occupied(onB.updates)).toBe(1);
    expect(occupied(onC.updates)).toBe(1);
    expect(onC.updates.slice(fromC)).toEqual(onB.updates.slice(fromB));

    // SIGKILL the agent's instance mid-session: it reconnects through nginx to B or C.
    await sleep(1_500);
    await A.kill('SIGKILL');
    const tKill = Date.now();
    await agent.waitFor((s) => s.connection !== 'online', 10_000, 'agent notices the loss');
    await agent.waitFor((s) => s.connection === 'online', 20_000, 'agent back online');
    const reconnectMs = Date.now() - tKill;
    const newPort = await nginx!.upstreamPort();
    expect(newPort).not.toBe(A.port);
    const running = await agent.status();
    expect(running.session.phase).toBe('in_session');
    expect(running.session.sessionId).toBe(sessionId);
    expect((await apiB.request<ApiBody>('GET', `/api/v1/sessions/${sessionId}`, { token: org.managerToken })).body.status).toBe('ACTIVE');

    // End through C this time: the end command reaches the agent wherever it is now.
    await sleep(1_500);
    const ended = await httpApp(C.url).request<ApiBody>('POST', `/api/v1/sessions/${sessionId}/end`, { token: org.managerToken, body: {} });
    // The agent's own `session.ended` may settle first (it can overtake the ack through Redis):
    // staff still get the completed session back, never a 409.
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.status).toBe('COMPLETED');
    await agent.waitFor((s) => s.session.phase === 'locked', 5_000, 'locked again');

    // Ledger: the charge is the engine price of the recorded intervals; every balance adds up.
    const [row] = await database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    const intervals = await database.db.select().from(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId));
    const quote = priceSession({
      tariff: engineTariff(row!.tariffSnapshot as TariffSnapshot),
      member: true,
      intervals: intervals.map((i) => ({ startMs: i.startedAt.getTime(), endMs: i.endedAt!.getTime() })),
    });
    const pay = await database.db
      .select()
      .from(transactions)
      .where(and(eq(transactions.sessionId, sessionId), eq(transactions.type, 'SESSION_PAYMENT')));
    expect(pay).toHaveLength(1);
    expect(-pay[0]!.amountMinor).toBe(quote.amountMinor);
    expect(row!.chargedMinor).toBe(quote.amountMinor);
    expect(quote.billedSeconds).toBeGreaterThanOrEqual(3);
    const report = await verifyLedger(database.db, org.organizationId);
    expect(report.mismatches).toEqual([]);
    expect(await (await fetch(`${B.url}/api/v1/customers/${customer.id}`, { headers: { authorization: `Bearer ${org.managerToken}` } })).json()).toMatchObject({ balanceMinor: 100_000 - quote.amountMinor });

    // The watchdog is one BullMQ job scheduler for the cluster: each run executed once, at its
    // own pace (three per-instance timers would run about three times as often).
    const ns = `ec:db${new URL(redisUrl).pathname.slice(1)}`;
    const elapsed = Date.now() - clusterStartedAt;
    const keys = await redis.keys(`${ns}:jobs:run:pc-offline-watchdog:*`);
    const runs = await Promise.all(keys.map((k) => redis.hgetall(k)));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed / WATCHDOG_EVERY_MS) + 1);
    expect(runs.every((r) => r.executions === '1')).toBe(true);
    const ranOn = new Set(runs.map((r) => r.instance));
    console.log(
      `scaled: start via B ${startMs} ms; agent back ${reconnectMs} ms after SIGKILL; ` +
        `watchdog ran ${runs.length}× in ${(elapsed / 1000).toFixed(1)} s (every ${WATCHDOG_EVERY_MS} ms) on ${ranOn.size} instance(s); charged ${quote.amountMinor} for ${quote.billedSeconds} s`,
    );
  }, 120_000);
});
