// Shared by `npm run bench:agent` and scripts/agent-screenshots.mjs: a real server process
// (apps/server/dist/main.js, temp DATA_DIR), a LAN center set up through the REST API, and real
// agent processes (apps/agent/dist/agent.mjs) enrolled with a pairing code.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../node-guard.mjs';

export const SERVER_MAIN = join(root, 'apps/server/dist/main.js');
export const AGENT_BUNDLE = join(root, 'apps/agent/dist/agent.mjs');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The V8 flags of `npm run agent` (root package.json), so the bench measures what ships. */
export function launcherFlags() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const words = String(pkg.scripts.agent).split(/\s+/);
  return words.filter((w) => w.startsWith('--') && words.indexOf(w) < words.findIndex((x) => x.endsWith('agent.mjs')));
}

/** Builds the agent bundle always (esbuild, < 1 s) and the server only when dist is missing. */
export function ensureBuilt() {
  // Always the current code: incremental, fast when apps/server/dist is up to date.
  const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0 || !existsSync(SERVER_MAIN)) process.exit(tsc.status || 1);
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: join(root, 'apps/agent'), stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitUntil(fn, timeoutMs, what, everyMs = 100) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await sleep(everyMs);
  }
}

/** Collects a child's output lines; prints them when `echo` or on a failure dump. */
function capture(child, lines, echo) {
  const onData = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 2000) lines.splice(0, 1000);
      if (echo) console.log(`  ${echo} ${line}`);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
}

/** One real server process (embedded PGlite in its own DATA_DIR). */
export class ServerProcess {
  logs = [];
  child = null;
  constructor(port, dataDir, env = {}) {
    this.port = port;
    this.dataDir = dataDir;
    this.env = env;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(env = {}) {
    const s = new ServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'econtrol-bench-server-')), env);
    await s.start();
    return s;
  }

  async start() {
    this.child = spawn(process.execPath, [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : []), SERVER_MAIN], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port), DATA_DIR: this.dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    capture(this.child, this.logs, process.env.BENCH_VERBOSE ? '[server]' : null);
    const child = this.child;
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${this.logs.slice(-5).join(' | ')}`);
      const r = await fetch(`${this.url}/health`);
      return r.ok;
    }, 60_000, 'server /health', 50);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async api(method, path, { token, body, headers = {} } = {}) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return json;
  }
}

const idem = () => `bench-${randomBytes(8).toString('hex')}`;
const uniq = (p) => `${p}${randomBytes(4).toString('hex')}`;

/**
 * A company + LAN center + zone (rate per hour) + PC + open shift + customer with balance, all
 * through the public REST API. Returns what the agent and the session calls need.
 */
export async function setUpFloor(server, { ratePerHourMinor = 300, balanceMinor = 5_000 } = {}) {
  const login = uniq('mgr');
  const signup = await server.api('POST', '/api/v1/signup', {
    body: {
      organizationName: 'Arena Bench',
      currency: 'PEN',
      lanCenter: { name: 'Arena Lima', timezone: 'America/Lima' },
      manager: { name: 'Ana Gerente', email: `${login}@example.com`, username: login, password: 'clave-segura-123' },
    },
  });
  const token = signup.auth.accessToken;
  const lanCenterId = signup.lanCenter.id;
  const zone = await server.api('POST', `/api/v1/lan-centers/${lanCenterId}/zones`, { token, body: { name: 'General' } });
  await server.api('PUT', `/api/v1/zones/${zone.id}/tariff`, { token, body: { ratePerHourMinor, granularity: 'second', minimumChargeMinor: 0 } });
  const pc = await server.api('POST', `/api/v1/lan-centers/${lanCenterId}/pcs`, { token, body: { name: 'PC-07', zoneId: zone.id } });
  await server.api('POST', '/api/v1/shifts/open', { token, body: { lanCenterId, openingFloatMinor: 10_000 } });
  const username = uniq('luis');
  const customer = await server.api('POST', '/api/v1/customers', { token, body: { name: 'Luis Quispe', username, password: 'clave-segura-123' } });
  await server.api('POST', `/api/v1/customers/${customer.id}/recharges`, {
    token,
    headers: { 'idempotency-key': idem() },
    body: { lanCenterId, amountMinor: balanceMinor, paymentMethod: 'CASH' },
  });
  const code = (await server.api('POST', `/api/v1/pcs/${pc.id}/pairing-code`, { token })).code;
  return {
    token,
    lanCenterId,
    zoneId: zone.id,
    pc,
    customer: { ...customer, username },
    pairingCode: code,
    startSession: () => server.api('POST', '/api/v1/sessions', { token, headers: { 'idempotency-key': idem() }, body: { pcId: pc.id, customerId: customer.id } }),
    endSession: (id) => server.api('POST', `/api/v1/sessions/${id}/end`, { token, body: {} }),
  };
}

/** One real agent process (`node [flags] apps/agent/dist/agent.mjs`). */
export class AgentProcess {
  logs = [];
  port = 0;
  token = '';
  constructor(child, dataDir) {
    this.child = child;
    this.dataDir = dataDir;
    this.exited = new Promise((r) => child.once('exit', r));
    capture(child, this.logs, process.env.BENCH_VERBOSE ? '[agent]' : null);
  }

  get pid() {
    return this.child.pid;
  }

  static async start({ serverUrl, pairingCode, dataDir = mkdtempSync(join(tmpdir(), 'econtrol-bench-agent-')), flags = [], env = {} }) {
    const args = [...flags, AGENT_BUNDLE, '--server', serverUrl, '--data-dir', dataDir, '--port', '0'];
    if (pairingCode) args.push('--pairing-code', pairingCode);
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(child, dataDir);
    const line = await waitUntil(() => {
      if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}): ${agent.logs.slice(-5).join(' | ')}`);
      return agent.logs.find((l) => l.includes('local UI on http://127.0.0.1:'));
    }, 15_000, 'agent local API', 25);
    agent.port = Number(/127\.0\.0\.1:(\d+)/.exec(line)[1]);
    agent.url = `http://127.0.0.1:${agent.port}`;
    const page = await (await fetch(`${agent.url}/`)).text();
    agent.token = /"token":"([^"]+)"/.exec(page)[1];
    return agent;
  }

  async get(path) {
    const res = await fetch(`${this.url}${path}`, { headers: { 'x-agent-token': this.token } });
    if (!res.ok) throw new Error(`${path} → ${res.status}`);
    return res.json();
  }

  async post(path, body = {}) {
    const res = await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'x-agent-token': this.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return res.json();
  }

  status() {
    return this.get('/session/status');
  }

  waitFor(pred, timeoutMs, what) {
    return waitUntil(async () => {
      const s = await this.status();
      return pred(s) ? s : undefined;
    }, timeoutMs, `agent: ${what}`);
  }

  async stop(keepData = true) {
    const c = this.child;
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(t);
    }
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Resident set size of a process, bytes (Linux /proc). */
export function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout?.trim()) || 100;
})();

/** CPU time (user + system, all threads) of a process, ms. */
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}
