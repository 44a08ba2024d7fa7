// `npm run bench:agents`: many agents against ONE server instance in scaled mode (PostgreSQL +
// Redis), measured next to the ceiling, a bare Socket.IO 4.8 server (scripts/lib/bare-agent-server.mjs)
// driven by the same load generator with the same pattern, in the same run.
//
// Load generator: BENCH_PROCS child processes (scripts/lib/agent-load-worker.mjs; one process holds
// at most ~20,000 sockets, the open-files cap) of lightweight protocol clients
// (scripts/lib/agent-client.mjs): the real enrollment (pairing code → /agent/enroll → /agent/token),
// the real /agent handshake (msgpack), heartbeats every HEARTBEAT_INTERVAL_S (the welcome's config),
// acks to commands. Phases, per server:
//   ramp   connect every client at BENCH_RAMP_PER_S, then one heartbeat interval to settle;
//   hold   BENCH_HOLD_S: heartbeats + BENCH_CMD_RATE commands/s (POST /pcs/:id/commands `message`
//          → agent.command → ack → response; bare: POST /cmd/:id → broadcast-with-ack);
//          server CPU (/proc, user+sys) and RSS, command round trip, heartbeat ack, drops;
//   storm  SIGTERM the server with every agent connected, start it again on the same port; each
//          agent journals one `agent.notice` when it loses the server, reconnects with the agent's
//          backoff (1 s base, ×2, 50 % jitter) and resends it: "back and synced" = welcomed again
//          and that event acked. No lost events = every one acked and, for eControl, stored once.
// Set-up (not timed against goals): a fresh database bench_agents_<pid> (dropped at the end), a free
// Redis database index (only our ec:db<N>:* keys are deleted at the end); the organization, LAN
// centers of BENCH_PCS_PER_LAN PCs, PCs and pairing codes through the REST API.
// Options (env or --flag): BENCH_AGENTS (10000), BENCH_PROCS (agents / 2500), BENCH_HOLD_S (30),
// BENCH_RAMP_PER_S (500), BENCH_CMD_RATE (20), BENCH_HEARTBEAT_S (10), BENCH_PCS_PER_LAN (50),
// BENCH_STORM_TIMEOUT_S (120), BENCH_MAX_S (900: the whole run's hard limit; past it every child
// is killed, the database and Redis keys are removed, exit code 2), BENCH_SKIP_BARE=1, BENCH_SKIP_STORM=1, BENCH_CPU_PROF=<dir> (server
// --cpu-prof), BENCH_SERVER_MAIN (another build's dist/main.js), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
// (redis://127.0.0.1:6379). Exit code: non-zero only when the bench itself crashes or hits BENCH_MAX_S.
import { fork, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();

const { default: pg } = await import('pg');
const { Redis } = await import('ioredis');
const { cpuMsOf, freePort, rssOf, sleep, waitUntil } = await import('./lib/agent-floor.mjs');
const { AGENT_VERSION } = await import('./lib/agent-client.mjs');

const opt = (name, fallback) => {
  const flag = `--${name.replace(/^BENCH_/, '').toLowerCase().replaceAll('_', '-')}`;
  const i = process.argv.indexOf(flag);
  const raw = i > 0 ? process.argv[i + 1] : process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return typeof fallback === 'number' ? Number(raw) : raw;
};
const AGENTS = opt('BENCH_AGENTS', 10_000);
const PROCS = Math.max(1, opt('BENCH_PROCS', Math.ceil(AGENTS / 2_500)));
const HOLD_S = opt('BENCH_HOLD_S', 30);
const RAMP_PER_S = opt('BENCH_RAMP_PER_S', 500);
const RAMP_IN_FLIGHT = opt('BENCH_RAMP_IN_FLIGHT', 200);
const CMD_RATE = opt('BENCH_CMD_RATE', 20);
const HEARTBEAT_S = opt('BENCH_HEARTBEAT_S', 10);
const PCS_PER_LAN = opt('BENCH_PCS_PER_LAN', 50);
const STORM_TIMEOUT_S = opt('BENCH_STORM_TIMEOUT_S', 120);
const MAX_S = opt('BENCH_MAX_S', 900);
const SKIP_BARE = opt('BENCH_SKIP_BARE', '') === '1' || process.argv.includes('--skip-bare');
const SKIP_STORM = opt('BENCH_SKIP_STORM', '') === '1' || process.argv.includes('--skip-storm');
const CPU_PROF = opt('BENCH_CPU_PROF', '');
const SETUP = opt('BENCH_SETUP', 'sql');
const ADMIN_URL = opt('BENCH_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
const REDIS_BASE = opt('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
const GOALS = { p99Ms: 50, cpuRatio: 2, stormS: 60 };
const SERVER_MAIN = opt('BENCH_SERVER_MAIN', join(root, 'apps/server/dist/main.js'));
const BARE_MAIN = join(root, 'scripts/lib/bare-agent-server.mjs');
const WORKER = join(root, 'scripts/lib/agent-load-worker.mjs');

const t0Run = Date.now();
/** Every child we spawn, killed if the bench itself dies. */
const children = new Set();
const killChildren = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.on('exit', killChildren);
/** Clean-ups still owed (database, Redis keys, temp dir): run by the phase's `finally`, or by the time limit. */
const cleanups = new Set();
async function runCleanups() {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    await fn().catch((e) => console.error(`cleanup: ${e.message}`));
  }
}
// A fixed upper bound on the whole run, whatever hangs.
setTimeout(() => {
  console.error(`bench:agents: over BENCH_MAX_S=${MAX_S} s, stopping (children killed, database and Redis keys removed)`);
  killChildren();
  const hard = setTimeout(() => process.exit(2), 30_000);
  hard.unref();
  void runCleanups().finally(() => process.exit(2));
}, MAX_S * 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killChildren();
    void runCleanups().finally(() => process.exit(130));
  });
}
const log = (msg) => console.log(`[${((Date.now() - t0Run) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

// ---- helpers -----------------------------------------------------------------------------------
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
function summary(xs) {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.length ? s[s.length - 1] : NaN };
}
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)}` : '—');
const fmtLat = (st) => `${ms(st.p50)} / ${ms(st.p95)} / ${ms(st.p99)} / ${ms(st.max)} ms`;
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function pool(n, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function api(base, method, path, { token, body } = {}) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : undefined;
    if (res.status >= 500 && attempt < 2) continue;
    throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  }
}

/** CPU ms (user + sys) per pid of a list (pids that are gone are left out). */
function cpuOf(pids) {
  const out = new Map();
  for (const pid of pids) {
    try {
      out.set(pid, cpuMsOf(pid));
    } catch {
      // exited
    }
  }
  return out;
}
/** CPU ms spent between two `cpuOf` readings by the processes alive at both. */
const cpuDelta = (a, b) => [...b].reduce((sum, [pid, v]) => sum + (a.has(pid) ? v - a.get(pid) : 0), 0);

/** A server child process (eControl or bare) that can be restarted on the same port. */
class Target {
  logs = [];
  child = null;
  constructor(name, port, command, env) {
    this.name = name;
    this.port = port;
    this.command = command;
    this.env = env;
    this.url = `http://127.0.0.1:${port}`;
  }

  async start() {
    const child = spawn(process.execPath, this.command, { cwd: root, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    children.add(child);
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.logs.push(line);
      if (this.logs.length > 400) this.logs.splice(0, 200);
      if (process.env.BENCH_VERBOSE) process.stdout.write(`  [${this.name}] ${chunk}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.exited = new Promise((r) => child.once('exit', r));
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited (${child.exitCode}): ${this.logs.slice(-8).join(' | ')}`);
      return (await fetch(`${this.url}/ready`)).ok;
    }, 120_000, `${this.name} ready`, 25);
  }

  get pid() {
    return this.child.pid;
  }

  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(t);
  }
}

/** The load generator: PROCS forked workers, each with its share of the clients. */
class LoadGenerator {
  workers = [];
  seq = 0;
  async start() {
    this.workers = await Promise.all(
      Array.from({ length: PROCS }, () => {
        const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.add(child);
        child.pending = new Map();
        child.on('message', (m) => {
          if (m.ready) return child.emit('worker-ready');
          const p = child.pending.get(m.id);
          child.pending.delete(m.id);
          if (m.ok) p?.resolve(m.result);
          else p?.reject(new Error(`worker ${child.pid}: ${m.error}`));
        });
        child.on('exit', (code) => {
          for (const p of child.pending.values()) p.reject(new Error(`worker ${child.pid} exited (${code})`));
        });
        return new Promise((resolve) => child.once('worker-ready', () => resolve(child)));
      }),
    );
  }

  call(worker, op, args = {}) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.send({ id, op, ...args });
    });
  }

  all(op, args = (_i) => ({})) {
    return Promise.all(this.workers.map((w, i) => this.call(w, op, args(i))));
  }

  get pids() {
    return this.workers.map((w) => w.pid);
  }

  async close() {
    await Promise.all(this.workers.map((w) => this.call(w, 'close').catch(() => undefined)));
    await Promise.all(this.workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : undefined)));
  }
}

const share = (items) => Array.from({ length: PROCS }, (_, i) => items.filter((_, k) => k % PROCS === i));

// ---- one phase: ramp, hold, storm against a target ---------------------------------------------
async function runPhase(target, specs, { mode, command, countStoredNotices, pgBackendPids, pgCounters }) {
  const r = { name: target.name, target: AGENTS };
  const gen = new LoadGenerator();
  await gen.start();
  try {
    const parts = share(specs);
    let t = Date.now();
    const prep = await gen.all('prepare', (i) => ({ base: target.url, mode, clients: parts[i], concurrency: 6 }));
    const prepFailed = prep.reduce((n, p) => n + p.failed, 0);
    if (mode === 'app') log(`${target.name}: ${AGENTS - prepFailed} agents ${SETUP === 'rest' ? 'enrolled (pairing code → enroll → token)' : 'got a device token (POST /agent/token)'} in ${((Date.now() - t) / 1000).toFixed(1)} s${prepFailed ? `, ${prepFailed} failed: ${prep.flatMap((p) => p.errors).join(' | ')}` : ''}`);

    // ramp
    t = Date.now();
    const cpuRamp0 = cpuMsOf(target.pid);
    let last = { t: Date.now(), cpu: cpuRamp0 };
    const progress = setInterval(() => {
      void gen.all('stats').then((st) => {
        const now = { t: Date.now(), cpu: cpuMsOf(target.pid) };
        const online = st.reduce((n, x) => n + x.online, 0);
        log(`${target.name}:   ramp ${online} online, server CPU ${(((now.cpu - last.cpu) / (now.t - last.t)) * 100).toFixed(0)} %`);
        last = now;
      }, () => undefined);
    }, 5_000);
    const ramp = await gen.all('connect', () => ({ perSec: RAMP_PER_S / PROCS, inFlight: Math.max(1, Math.round(RAMP_IN_FLIGHT / PROCS)) })).finally(() => clearInterval(progress));
    r.rampS = (Date.now() - t) / 1000;
    r.rampCpu = (cpuMsOf(target.pid) - cpuRamp0) / (Date.now() - t);
    r.connectFailed = ramp.reduce((n, p) => n + p.failed, 0) + prepFailed;
    r.connectErrors = ramp.reduce((acc, p) => { for (const [k, v] of Object.entries(p.connectErrors)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {});
    log(`${target.name}: ${ramp.reduce((n, p) => n + p.ok, 0)} connected in ${r.rampS.toFixed(1)} s (server CPU ${(r.rampCpu * 100).toFixed(0)} % of a core)${r.connectFailed ? `, ${r.connectFailed} failed: ${ramp.flatMap((p) => p.errors).join(' | ')}` : ''}; settling ${HEARTBEAT_S} s`);
    await sleep(HEARTBEAT_S * 1000);

    // hold
    await gen.all('mark');
    // Commands go to connected agents only (a failed connect is already counted).
    const ids = ramp.flatMap((p) => p.connectedIds);
    const cmdLat = [];
    let cmdFailed = 0;
    const cmdErrors = new Set();
    // The pool opens and closes backends: sampled every second, each counted from its first reading
    // (a backend first seen during the hold counts from 0: it started within the window).
    const pgCpu = new Map();
    const samplePg = async (first) => {
      for (const pid of (await pgBackendPids?.()) ?? []) {
        try {
          const now = cpuMsOf(pid);
          const seen = pgCpu.get(pid);
          pgCpu.set(pid, { first: seen?.first ?? (first ? now : 0), last: now });
        } catch {
          // exited
        }
      }
    };
    await samplePg(true);
    const pg0 = await pgCounters?.();
    const c0 = { server: cpuMsOf(target.pid), gen: cpuOf(gen.pids), wall: performance.now() };
    let rssMax = rssOf(target.pid);
    const rssTimer = setInterval(() => {
      rssMax = Math.max(rssMax, rssOf(target.pid));
      void samplePg(false).catch(() => undefined);
    }, 1000);
    const inflight = new Set();
    const gap = 1000 / CMD_RATE;
    const holdEnd = performance.now() + HOLD_S * 1000;
    for (let k = 0; CMD_RATE > 0; k++) {
      const due = c0.wall + k * gap;
      if (due >= holdEnd) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const pcId = ids[Math.floor(Math.random() * ids.length)];
      const p = (async () => {
        const s = performance.now();
        try {
          await command(target, pcId);
          cmdLat.push(performance.now() - s);
        } catch (error) {
          cmdFailed++;
          cmdErrors.add(error.message.slice(0, 160));
        }
      })();
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const left = holdEnd - performance.now();
    if (left > 0) await sleep(left);
    const c1 = { server: cpuMsOf(target.pid), gen: cpuOf(gen.pids), wall: performance.now() };
    await samplePg(false);
    clearInterval(rssTimer);
    await Promise.all(inflight);
    const pg1 = await pgCounters?.();
    const stats = await gen.all('stats');
    const wall = c1.wall - c0.wall;
    r.pgTx = pg0 ? { commits: (pg1.commits - pg0.commits) / (wall / 1000), rolledBack: pg1.rollbacks - pg0.rollbacks, updated: (pg1.updated - pg0.updated) / (wall / 1000) } : null;
    r.cpu = (c1.server - c0.server) / wall;
    r.genCpu = cpuDelta(c0.gen, c1.gen) / wall;
    r.pgCpu = pgBackendPids ? [...pgCpu.values()].reduce((n, x) => n + x.last - x.first, 0) / wall : null;
    r.rss = rssOf(target.pid);
    r.rssMax = Math.max(rssMax, r.rss);
    r.held = stats.reduce((n, s) => n + s.online, 0);
    r.dropped = stats.reduce((n, s) => n + s.drops, 0);
    r.dropReasons = stats.reduce((acc, s) => { for (const [k, v] of Object.entries(s.dropReasons)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {});
    r.hb = summary(stats.flatMap((s) => s.hb));
    r.hbFailed = stats.reduce((n, s) => n + s.hbFailed, 0);
    r.hbRate = r.hb.n / (wall / 1000);
    r.cmd = summary(cmdLat);
    r.cmdFailed = cmdFailed;
    r.cmdErrors = [...cmdErrors].slice(0, 3);
    r.commandsAcked = stats.reduce((n, s) => n + s.commands, 0);
    r.genRss = stats.reduce((n, s) => n + s.rss, 0);
    log(`${target.name}: hold ${HOLD_S} s: ${r.held} online, ${r.dropped} dropped, CPU ${(r.cpu * 100).toFixed(1)} %, ${r.hb.n} heartbeats (${r.hbRate.toFixed(0)}/s), ${r.cmd.n} commands p99 ${ms(r.cmd.p99)} ms`);

    // storm
    if (!SKIP_STORM) {
      const code = `bench.storm.${process.pid}`;
      await gen.all('arm', () => ({ code }));
      const tKill = Date.now();
      await target.stop('SIGTERM');
      r.stormStopMs = Date.now() - tKill;
      await target.start();
      r.stormReadyMs = Date.now() - tKill;
      const deadline = tKill + STORM_TIMEOUT_S * 1000;
      let synced = 0;
      while (Date.now() < deadline) {
        const st = await gen.all('stormStatus');
        synced = st.reduce((n, s) => n + s.synced, 0);
        if (synced >= AGENTS - r.connectFailed) break;
        await sleep(250);
      }
      const res = await gen.all('stormResult');
      const syncedAt = res.flatMap((x) => x.syncedAt);
      r.stormSynced = syncedAt.filter(Boolean).length;
      r.stormAllMs = r.stormSynced === syncedAt.length ? Math.max(...syncedAt) - tKill : NaN;
      const back = syncedAt.filter(Boolean).map((x) => x - tKill);
      r.storm = summary(back);
      r.stormJournaled = res.reduce((n, x) => n + x.journaled, 0);
      r.stormConnectErrors = res.reduce((acc, x) => { for (const [k, v] of Object.entries(x.connectErrors)) acc[k] = (acc[k] ?? 0) + v; return acc; }, {});
      r.stormPending = res.reduce((n, x) => n + x.pending, 0);
      const noticeIds = res.flatMap((x) => x.noticeIds);
      r.stormStored = countStoredNotices ? await countStoredNotices(code, noticeIds) : null;
      r.stormLost = r.stormPending + (r.stormStored === null ? 0 : Math.abs(r.stormJournaled - r.stormStored));
      await gen.all('disarm');
      log(`${target.name}: storm: server ready ${(r.stormReadyMs / 1000).toFixed(1)} s after SIGTERM, ${r.stormSynced}/${syncedAt.length} agents back + synced, last at ${(r.stormAllMs / 1000).toFixed(1)} s`);
    }
  } catch (error) {
    if (target.logs.length) console.error(`${target.name} log (last lines):\n${target.logs.slice(-20).join('\n')}`);
    throw error;
  } finally {
    await gen.close();
  }
  return r;
}

// ---- bare baseline -----------------------------------------------------------------------------
async function bare() {
  const port = await freePort();
  const target = new Target('bare', port, [BARE_MAIN, String(port)], { HEARTBEAT_INTERVAL_S: String(HEARTBEAT_S) });
  const lans = Math.ceil(AGENTS / PCS_PER_LAN);
  const specs = Array.from({ length: AGENTS }, (_, i) => ({ pcId: crypto.randomUUID(), lan: `l${i % lans}` }));
  try {
    await target.start();
    return await runPhase(target, specs, {
      mode: 'bare',
      command: async (t, pcId) => {
        const res = await fetch(`${t.url}/cmd/${pcId}`, { method: 'POST' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bare command → ${res.status}`);
      },
    });
  } finally {
    await target.stop();
  }
}

// ---- eControl ----------------------------------------------------------------------------------
async function freeRedisDb() {
  const probe = new Redis(REDIS_BASE);
  try {
    const databases = Number((await probe.config('GET', 'databases'))[1] ?? 16);
    for (let i = 0; i < 40; i++) {
      const candidate = 1 + Math.floor(Math.random() * (databases - 1));
      await probe.select(candidate);
      if ((await probe.dbsize()) === 0) return candidate;
    }
    throw new Error('no empty Redis database index');
  } finally {
    probe.disconnect();
  }
}

async function econtrol() {
  const dbName = `bench_agents_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const redisIndex = await freeRedisDb();
  const redisUrl = new URL(REDIS_BASE);
  redisUrl.pathname = `/${redisIndex}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'econtrol-bench-agents-'));
  const port = await freePort();
  const target = new Target('eControl', port, [...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []), SERVER_MAIN], {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl.toString(),
    HEARTBEAT_INTERVAL_S: String(HEARTBEAT_S),
    // All clients come from 127.0.0.1: the per-IP limits of the auth routes (enroll, token) are raised.
    AUTH_RATE_LIMIT_PER_MIN: '10000000',
    AGENT_TOKEN_RATE_LIMIT_PER_MIN: '10000000',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const cleanup = async () => {
    const dropper = new pg.Client({ connectionString: ADMIN_URL });
    try {
      await dropper.connect();
      await dropper.query(`drop database if exists ${dbName} with (force)`);
    } catch (e) {
      console.error(`drop ${dbName}: ${e.message}`);
    } finally {
      await dropper.end().catch(() => undefined);
    }
    const redis = new Redis(redisUrl.toString());
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `ec:db${redisIndex}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  try {
    await target.start();
    await db.connect();
    log(`eControl: server up (database ${dbName}, Redis db ${redisIndex})`);
    const base = target.url;
    let t = Date.now();
    const signup = await api(base, 'POST', '/api/v1/signup', {
      body: {
        organizationName: 'Cadena Bench',
        lanCenter: { name: 'Sede 1' },
        manager: { name: 'Bench Manager', email: `bench${process.pid}@example.pe`, username: `bench${process.pid}`, password: 'clave-bench-123' },
        tokenMode: 'bearer',
      },
    });
    const token = signup.auth.accessToken;
    const lanCount = Math.ceil(AGENTS / PCS_PER_LAN);
    // The heartbeat interval is a LAN center setting (the env value is only the fallback).
    const settings = { agent: { heartbeatIntervalSeconds: HEARTBEAT_S } };
    const lans = [signup.lanCenter.id];
    await api(base, 'PATCH', `/api/v1/lan-centers/${lans[0]}`, { token, body: { settings } });
    await pool(lanCount - 1, 8, async (i) => {
      lans[i + 1] = (await api(base, 'POST', '/api/v1/lan-centers', { token, body: { name: `Sede ${i + 2}`, settings } })).id;
    });
    const zones = [];
    await pool(lanCount, 8, async (i) => {
      zones[i] = (await api(base, 'POST', `/api/v1/lan-centers/${lans[i]}/zones`, { token, body: { name: 'General' } })).id;
    });
    const pcName = (i) => `PC-${String((i % PCS_PER_LAN) + 1).padStart(3, '0')}`;
    const lanOf = (i) => Math.floor(i / PCS_PER_LAN);
    let specs;
    if (SETUP === 'rest') {
      specs = new Array(AGENTS);
      await pool(AGENTS, 16, async (i) => {
        const pc = await api(base, 'POST', `/api/v1/lan-centers/${lans[lanOf(i)]}/pcs`, { token, body: { name: pcName(i), zoneId: zones[lanOf(i)] } });
        specs[i] = { pcId: pc.id, lan: lans[lanOf(i)] };
      });
      log(`eControl: ${lanCount} LAN centers, ${AGENTS} PCs created through the REST API in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      t = Date.now();
      await pool(AGENTS, 16, async (i) => {
        specs[i].code = (await api(base, 'POST', `/api/v1/pcs/${specs[i].pcId}/pairing-code`, { token })).code;
      });
      log(`eControl: ${AGENTS} pairing codes in ${((Date.now() - t) / 1000).toFixed(1)} s (agents enroll with them)`);
    } else {
      // BENCH_SETUP=sql (default): creating 10,000 PCs and enrolling them through the REST API takes
      // minutes here, so the PCs and their device credentials (secret → sha256, as enrollment stores
      // it) are inserted into this run's own database. Organization, LAN centers and zones above
      // went through the API; the device-token exchange and the socket handshake are the real ones.
      const specs0 = new Array(AGENTS).fill(0);
      const { rows: pcRows } = await db.query(
        `insert into pcs (organization_id, lan_center_id, zone_id, name, status, requires_agent)
         select $1, lan, zone, name, 'OFFLINE', true from unnest($2::uuid[], $3::uuid[], $4::text[]) as t(lan, zone, name)
         returning id, lan_center_id`,
        [signup.organization.id, specs0.map((_, i) => lans[lanOf(i)]), specs0.map((_, i) => zones[lanOf(i)]), specs0.map((_, i) => pcName(i))],
      );
      const secrets = pcRows.map(() => randomBytes(32).toString('base64url'));
      const { rows: credRows } = await db.query(
        `insert into device_credentials (organization_id, pc_id, secret_hash, machine)
         select $1, pc, hash, $4::jsonb from unnest($2::uuid[], $3::text[]) as t(pc, hash)
         returning id, pc_id`,
        [signup.organization.id, pcRows.map((r) => r.id), secrets.map((x) => createHash('sha256').update(x).digest('base64url')), JSON.stringify({ hostname: 'bench', os: 'linux', agentVersion: AGENT_VERSION })],
      );
      const secretOf = new Map(pcRows.map((r, i) => [r.id, secrets[i]]));
      const lanOfPc = new Map(pcRows.map((r) => [r.id, r.lan_center_id]));
      specs = credRows.map((c) => ({ pcId: c.pc_id, lan: lanOfPc.get(c.pc_id), deviceId: c.id, deviceSecret: secretOf.get(c.pc_id) }));
      log(`eControl: ${lanCount} LAN centers (REST), ${AGENTS} PCs + device credentials seeded in SQL in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const result = await runPhase(target, specs, {
      mode: 'app',
      command: async (tg, pcId) => {
        await api(tg.url, 'POST', `/api/v1/pcs/${pcId}/commands`, { token, body: { type: 'message', text: 'bench' } });
      },
      pgBackendPids: async () =>
        (await db.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName])).rows.map((x) => x.pid),
      pgCounters: async () => {
        const { rows } = await db.query('select xact_commit::float8 as commits, xact_rollback::float8 as rollbacks, tup_updated::float8 as updated from pg_stat_database where datname = $1', [dbName]);
        return rows[0];
      },
      countStoredNotices: async (code, ids) => {
        const { rows } = await db.query(
          `select count(*)::int as n, count(distinct event_id)::int as d from agent_events where type = 'agent.notice' and payload->>'code' = $1 and event_id = any($2::uuid[])`,
          [code, ids],
        );
        return rows[0].n === rows[0].d ? rows[0].n : -1;
      },
    });
    const audit = await db.query(`select count(*)::int as n from pcs where last_heartbeat_at > now() - interval '60 seconds'`);
    result.recentPcs = audit.rows[0].n;
    return result;
  } finally {
    await target.stop();
    await db.end().catch(() => undefined);
    cleanups.delete(cleanup);
    await cleanup();
  }
}

// ---- main --------------------------------------------------------------------------------------
if (!existsSync(join(root, 'node_modules/.bin/tsc'))) {
  console.error('run `npm install` first');
  process.exit(1);
}
// Always the current code (incremental, fast when up to date), unless another build is named.
const built = process.env.BENCH_SERVER_MAIN
  ? { status: 0 }
  : spawnSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'apps/server/tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (!existsSync(SERVER_MAIN)) {
  console.error(`${SERVER_MAIN} is missing (server build failed?)`);
  process.exit(1);
}
if (built.status !== 0) console.warn('warning: the server build reported errors; measuring apps/server/dist as emitted');

const socketIoVersion = JSON.parse(readFileSync(join(root, 'node_modules/socket.io/package.json'), 'utf8')).version;
console.log(
  `bench:agents — ${AGENTS} agents in ${PROCS} load-generator processes, heartbeat ${HEARTBEAT_S} s, ${CMD_RATE} commands/s, hold ${HOLD_S} s, ramp ${RAMP_PER_S}/s; socket.io ${socketIoVersion}; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}`,
);
const bareResult = SKIP_BARE ? null : await bare();
const appResult = await econtrol();

// ---- report ------------------------------------------------------------------------------------
const rows = [
  ['agents held / target', (r) => `${r.held} / ${r.target}`],
  ['dropped (ramp + hold)', (r) => `${r.dropped + r.connectFailed}${Object.keys(r.dropReasons).length ? ` ${JSON.stringify(r.dropReasons)}` : ''}`],
  ['ramp: all connected in', (r) => `${r.rampS.toFixed(1)} s (server ${(r.rampCpu * 100).toFixed(0)} % CPU)`, (r) => r.rampCpu],
  ['ramp: connect errors (retried)', (r) => (Object.keys(r.connectErrors).length ? JSON.stringify(r.connectErrors) : '0')],
  ['server CPU (hold, % of one core)', (r) => `${(r.cpu * 100).toFixed(1)} %`, (r) => r.cpu],
  ['server RSS end of hold / peak', (r) => `${mb(r.rss)} / ${mb(r.rssMax)}`, (r) => r.rssMax],
  ['command round trip p50/p95/p99/max', (r) => `${fmtLat(r.cmd)} (n=${r.cmd.n}${r.cmdFailed ? `, ${r.cmdFailed} failed` : ''})`, (r) => r.cmd.p99],
  ['heartbeat ack p50/p95/p99/max', (r) => `${fmtLat(r.hb)} (${r.hbRate.toFixed(0)}/s${r.hbFailed ? `, ${r.hbFailed} failed` : ''})`, (r) => r.hb.p99],
  ['commands acked by agents', (r) => `${r.commandsAcked}`],
  ['PostgreSQL backends CPU (hold)', (r) => (r.pgCpu === null || r.pgCpu === undefined ? '—' : `${(r.pgCpu * 100).toFixed(1)} %`)],
  ['PostgreSQL commits/s, rows updated/s (hold)', (r) => (r.pgTx ? `${r.pgTx.commits.toFixed(0)}/s, ${r.pgTx.updated.toFixed(0)}/s${r.pgTx.rolledBack ? `, ${r.pgTx.rolledBack} rolled back` : ''}` : '—')],
  ['load generator CPU / RSS', (r) => `${(r.genCpu * 100).toFixed(0)} % / ${mb(r.genRss)}`],
  ...(SKIP_STORM
    ? []
    : [
        ['storm: server exited / ready again after SIGTERM', (r) => `${(r.stormStopMs / 1000).toFixed(1)} s / ${(r.stormReadyMs / 1000).toFixed(1)} s`],
        ['storm: back + synced p50/p95/max', (r) => `${(r.storm.p50 / 1000).toFixed(1)} / ${(r.storm.p95 / 1000).toFixed(1)} / ${(r.storm.max / 1000).toFixed(1)} s (${r.stormSynced}/${r.target - r.connectFailed})`, (r) => r.storm.max],
        ['storm: reconnect attempts refused', (r) => (Object.keys(r.stormConnectErrors).length ? JSON.stringify(r.stormConnectErrors) : '0')],
        ['storm: events journaled / acked / stored', (r) => `${r.stormJournaled} / ${r.stormJournaled - r.stormPending} / ${r.stormStored ?? 'n/a'}`],
      ]),
];
const results = [bareResult, appResult].filter(Boolean);
const w = Math.max(...rows.map(([k]) => k.length));
// Ratio column: eControl ÷ bare, for the rows where a ratio means something (p99s, CPU, RSS, storm).
const ratioOf = (ratio) => {
  if (!ratio || !bareResult) return '';
  const x = ratio(appResult) / ratio(bareResult);
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '—';
};
console.log(`\n${''.padEnd(w)}  ${results.map((r) => r.name.padEnd(44)).join('')}${bareResult ? 'eControl / bare' : ''}`);
for (const [k, f, ratio] of rows) console.log(`${k.padEnd(w)}  ${results.map((r) => String(f(r)).padEnd(44)).join('')}${ratioOf(ratio)}`);
if (appResult.cmdErrors.length) console.log(`command errors: ${appResult.cmdErrors.join(' | ')}`);
console.log(`machine load average (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs; run took ${((Date.now() - t0Run) / 1000).toFixed(0)} s\n`);

const verdicts = [];
const verdict = (name, ok, detail) => {
  verdicts.push(ok);
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
};
const a = appResult;
verdict(`${AGENTS} agents held, 0 dropped`, a.held === AGENTS && a.dropped === 0 && a.connectFailed === 0, `${a.held} held, ${a.dropped} dropped, ${a.connectFailed} never connected`);
verdict(`command round trip p99 < ${GOALS.p99Ms} ms`, a.cmd.n > 0 && a.cmdFailed === 0 && a.cmd.p99 < GOALS.p99Ms, `p99 ${ms(a.cmd.p99)} ms (bare ${bareResult ? ms(bareResult.cmd.p99) : '—'} ms), ${a.cmdFailed} failed`);
if (bareResult)
  verdict(
    `server CPU ≤ ${GOALS.cpuRatio}× the bare ceiling`,
    a.cpu <= GOALS.cpuRatio * bareResult.cpu,
    `${(a.cpu * 100).toFixed(1)} % vs ${(bareResult.cpu * 100).toFixed(1)} % = ${(a.cpu / bareResult.cpu).toFixed(2)}×`,
  );
else verdict(`server CPU ≤ ${GOALS.cpuRatio}× the bare ceiling`, false, 'bare baseline skipped');
if (!SKIP_STORM)
  verdict(
    `storm: every agent back and synced within ${GOALS.stormS} s, no lost events`,
    a.stormAllMs <= GOALS.stormS * 1000 && a.stormLost === 0 && a.stormStored === a.stormJournaled,
    `${Number.isFinite(a.stormAllMs) ? `${(a.stormAllMs / 1000).toFixed(1)} s` : `${a.stormSynced} of ${a.target - a.connectFailed} after ${STORM_TIMEOUT_S} s`}, ${a.stormJournaled} journaled, ${a.stormStored} stored once, ${a.stormPending} still pending`,
  );
console.log(`\n${verdicts.every(Boolean) ? 'PASS' : 'FAIL'}: ${verdicts.filter(Boolean).length}/${verdicts.length} goals met`);
process.exit(0);
