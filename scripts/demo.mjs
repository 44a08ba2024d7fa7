// `npm run demo`: a whole small LAN center on this machine, on real processes.
//   builds what is missing → starts the server (embedded mode) on PORT (default 3000) with its own
//   DATA_DIR (default ./data/demo, wiped on start unless --keep) → creates "Arena Lima" through the
//   REST API (zones, tariffs with a happy hour, 8 PCs, staff, 20 customers with balances, time
//   packages) → starts 8 real PC agents enrolled with pairing codes (ports 9871..9878) → prints the
//   console URL, the credentials and every PC's lock-screen URL. Ctrl+C stops agents, then server.
//
//   options: --keep (reuse ./data/demo: same company, same enrolled agents), --no-sessions,
//            --help. env: PORT, DATA_DIR, LOG_LEVEL.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { root } from './node-guard.mjs';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: npm run demo [-- --keep] [-- --no-sessions]
  --keep         keep ./data/demo from the last run (same company, same enrolled agents)
  --no-sessions  do not start the three sample sessions
  env PORT (default 3000), DATA_DIR (default ./data/demo), LOG_LEVEL (default warn)`);
  process.exit(0);
}
for (const a of args) {
  if (!['--keep', '--no-sessions'].includes(a)) {
    console.error(`Unknown option ${a} (try --help)`);
    process.exit(2);
  }
}

// The project's own Node 24 when an older Node started us; signals are forwarded so Ctrl+C still
// stops the agents and the server in order.
if (Number(process.versions.node.split('.')[0]) < 24) {
  const local = join(root, 'node_modules/node/bin/node');
  if (!existsSync(local)) {
    console.error(`eControl needs Node 24; this is ${process.version}. Run "npm install" first (it brings Node 24).`);
    process.exit(1);
  }
  const child = spawn(local, process.argv.slice(1), { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
} else {
  await main();
}

async function main() {
  const KEEP = args.includes('--keep');
  const SESSIONS = !args.includes('--no-sessions');
  const PORT = Number(process.env.PORT ?? 3000);
  const DATA_DIR = resolve(process.env.DATA_DIR ?? join(root, 'data/demo'));
  const AGENT_PORTS = Array.from({ length: 8 }, (_, i) => 9871 + i);
  const STATE = join(DATA_DIR, 'demo.json');
  const baseUrl = `http://localhost:${PORT}`;
  const t0 = Date.now();
  const say = (msg) => console.log(`› ${msg}`);

  // ── ports first: a clear message beats a stack trace ──
  const busy = [];
  for (const [what, port] of [['server (PORT)', PORT], ...AGENT_PORTS.map((p, i) => [`agent PC-0${i + 1}`, p])]) {
    if (!(await portFree(port))) busy.push(`${port} (${what})`);
  }
  if (busy.length) {
    console.error(`✗ Port${busy.length > 1 ? 's' : ''} already in use: ${busy.join(', ')}.`);
    console.error(
      busy[0].includes('PORT')
        ? `  Another eControl (npm start / npm run demo) may be running. Stop it, or pick another port: PORT=3100 npm run demo`
        : `  The demo's PC agents use ports 9871..9878: stop whatever listens there (an earlier demo?).`,
    );
    process.exit(1);
  }

  // ── build (incremental) ──
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);

  // ── data ──
  const state = KEEP && existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : null;
  if (KEEP && !state) say(`--keep: nothing to keep in ${rel(DATA_DIR)}, starting fresh`);
  if (!state) rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });

  // ── processes and a clean stop ──
  const children = []; // { name, child }, agents after the server
  let stopping = false;
  const alive = (c) => c.exitCode === null && c.signalCode === null;
  const stopOne = async ({ child }, signal, graceMs) => {
    if (!alive(child)) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const timer = setTimeout(() => alive(child) && child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    const agents = children.filter((c) => c.name !== 'server');
    const server = children.find((c) => c.name === 'server');
    if (agents.some((c) => alive(c.child))) say(`stopping ${agents.filter((c) => alive(c.child)).length} agents…`);
    await Promise.all(agents.map((c) => stopOne(c, 'SIGTERM', 5_000)));
    if (server && alive(server.child)) {
      say('stopping the server…');
      await stopOne(server, 'SIGTERM', 12_000);
    }
    say(code === 0 ? 'stopped. Data kept in ' + rel(DATA_DIR) + ' (npm run demo -- --keep to reuse it)' : 'stopped.');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));
  // Last resort (an exception in this script): never leave processes behind.
  process.on('exit', () => children.forEach(({ child }) => alive(child) && child.kill('SIGKILL')));
  const fail = async (error) => {
    console.error(`✗ ${error instanceof Error ? error.message : error}`);
    await stopAll(1);
  };

  // Children get their own process group (detached) so the terminal's Ctrl+C reaches only this
  // script, which then stops them in order: agents first, then the server.
  const serverLog = join(DATA_DIR, 'server.log');
  say(`starting the server on port ${PORT} (embedded database in ${rel(DATA_DIR)}, log: ${rel(serverLog)})`);
  const serverFd = openSync(serverLog, 'a');
  const server = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', serverFd, serverFd],
    env: {
      ...process.env,
      PORT: String(PORT),
      DATA_DIR,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      HEARTBEAT_INTERVAL_S: process.env.HEARTBEAT_INTERVAL_S ?? '15',
      PC_OFFLINE_AFTER_S: process.env.PC_OFFLINE_AFTER_S ?? '40',
    },
  });
  children.push({ name: 'server', child: server });
  server.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`✗ the server stopped (${signal ?? `exit ${code}`}). Last lines of ${rel(serverLog)}:`);
    console.error(tail(serverLog, 15));
    void stopAll(1);
  });

  try {
    await waitFor(async () => (await fetch(`${baseUrl}/health`)).ok, 90_000, 'the server to answer /health');
    const demo = state ?? (await seed(baseUrl, DATA_DIR, say));
    if (!state) writeFileSync(STATE, JSON.stringify(demo, null, 2));

    // ── agents ──
    say(`starting 8 PC agents (ports ${AGENT_PORTS[0]}..${AGENT_PORTS.at(-1)})`);
    const manager = await login(baseUrl, demo.manager);
    await Promise.all(
      demo.pcs.map(async (pc, i) => {
        const dir = join(DATA_DIR, 'agents', pc.name);
        mkdirSync(dir, { recursive: true });
        const enrolled = existsSync(join(dir, 'agent.db'));
        const argv = [join(root, 'apps/agent/dist/agent.mjs'), '--server', baseUrl, '--data-dir', dir, '--port', String(AGENT_PORTS[i])];
        if (!state || !enrolled) {
          const { code } = await call(baseUrl, 'POST', `/api/v1/pcs/${pc.id}/pairing-code`, manager);
          argv.push('--pairing-code', code);
        }
        const fd = openSync(join(dir, 'agent.log'), 'a');
        const child = spawn(process.execPath, argv, { cwd: root, detached: true, stdio: ['ignore', fd, fd] });
        children.push({ name: pc.name, child });
        child.on('exit', (code, signal) => {
          if (!stopping) console.error(`! agent ${pc.name} stopped (${signal ?? `exit ${code}`}); see ${rel(join(dir, 'agent.log'))}`);
        });
      }),
    );
    await waitFor(
      async () => {
        const pcs = await call(baseUrl, 'GET', `/api/v1/lan-centers/${demo.lanCenterId}/pcs`, manager);
        return pcs.every((p) => p.enrolled && p.status !== 'OFFLINE' && p.lastHeartbeatAt);
      },
      60_000,
      'the 8 agents to enroll and come online',
      500,
    );

    // ── a few sessions so the floor is alive ──
    if (SESSIONS && !state) {
      const cashier = await login(baseUrl, demo.cashier);
      for (const [pcName, username] of [['PC-02', 'mquispe'], ['PC-05', 'lhuaman'], ['PC-07', 'vflores']]) {
        const pc = demo.pcs.find((p) => p.name === pcName);
        const customer = demo.customers.find((c) => c.username === username);
        await call(baseUrl, 'POST', '/api/v1/sessions', cashier, { pcId: pc.id, customerId: customer.id }, { 'idempotency-key': `demo-${randomUUID()}` });
      }
    }
    const active = await call(baseUrl, 'GET', `/api/v1/lan-centers/${demo.lanCenterId}/sessions?status=ACTIVE`, manager);
    const started = active
      .map((s) => `${demo.pcs.find((p) => p.id === s.pcId)?.name ?? '?'}: ${s.customerName ?? 'invitado'}`)
      .sort();

    // ── the summary ──
    const line = '─'.repeat(72);
    const c = demo.customers[0];
    console.log(`
${line}
 eControl demo — ${demo.lanCenterName} (America/Lima, PEN) is running  (${((Date.now() - t0) / 1000).toFixed(1)} s)
${line}
 Console        ${baseUrl}
 API docs       ${baseUrl}/api/docs

 Manager        user: ${demo.manager.login.padEnd(10)} password: ${demo.manager.password}
 Cashier        user: ${demo.cashier.login.padEnd(10)} password: ${demo.cashier.password}
 Customers      20, e.g. user: ${c.username.padEnd(10)} password: ${demo.customerPassword}  (any of them can log in at a PC)

 Zones          General S/ 3.00/h (happy hour 14:00–17:00: S/ 2.00/h) · VIP S/ 5.00/h
 PCs (lock screen / overlay of each agent, as the PC's kiosk browser shows it):
${demo.pcs.map((p, i) => `   ${p.name}  ${p.zone.padEnd(8)} http://127.0.0.1:${AGENT_PORTS[i]}/`).join('\n')}
${started.length ? `\n Sessions running  ${started.join(' · ')}\n` : ''}
 Data: ${rel(DATA_DIR)} (server.log, agents/PC-0N/agent.log).  Ctrl+C stops everything.
${line}`);
  } catch (error) {
    await fail(error);
  }
}

// ── the demo company, through the public REST API ─────────────────────────
async function seed(baseUrl, dataDir, say) {
  say('creating the demo company "Arena Lima" through the REST API');
  const manager = { name: 'Gabriela Rojas', login: 'gerente', password: 'arena-gerente-1' };
  const cashier = { name: 'Carlos Mendoza', login: 'cajero', password: 'arena-cajero-1' };
  const customerPassword = 'arena-cliente-1';

  const signup = await call(baseUrl, 'POST', '/api/v1/signup', null, {
    organizationName: 'Arena Lima SAC',
    currency: 'PEN',
    lanCenter: { name: 'Arena Lima', timezone: 'America/Lima' },
    manager: { name: manager.name, email: 'gabriela@arenalima.pe', username: manager.login, password: manager.password },
  });
  const m = signup.auth.accessToken;
  const lanCenterId = signup.lanCenter.id;

  const general = await call(baseUrl, 'POST', `/api/v1/lan-centers/${lanCenterId}/zones`, m, { name: 'General', position: 0, color: '#2563eb' });
  const vip = await call(baseUrl, 'POST', `/api/v1/lan-centers/${lanCenterId}/zones`, m, { name: 'VIP', position: 1, color: '#9333ea' });
  await call(baseUrl, 'PUT', `/api/v1/zones/${general.id}/tariff`, m, {
    name: 'General',
    ratePerHourMinor: 300,
    granularity: 'minute',
    minimumChargeMinor: 50,
    rules: [{ id: 'happy-hour', name: 'Happy hour', days: [], start: '14:00', end: '17:00', ratePerHourMinor: 200 }],
  });
  await call(baseUrl, 'PUT', `/api/v1/zones/${vip.id}/tariff`, m, {
    name: 'VIP',
    ratePerHourMinor: 500,
    granularity: 'minute',
    minimumChargeMinor: 100,
    rules: [],
  });

  const pcs = [];
  for (let i = 1; i <= 8; i++) {
    const zone = i <= 6 ? general : vip;
    const name = `PC-0${i}`;
    const pc = await call(baseUrl, 'POST', `/api/v1/lan-centers/${lanCenterId}/pcs`, m, {
      name,
      zoneId: zone.id,
      specs: i <= 6 ? { cpu: 'Ryzen 5 5600', gpu: 'RTX 3060', monitor: '24" 144 Hz' } : { cpu: 'Ryzen 7 7800X3D', gpu: 'RTX 4070', monitor: '27" 240 Hz' },
    });
    pcs.push({ id: pc.id, name, zone: zone.name });
  }

  await call(baseUrl, 'POST', '/api/v1/staff', m, {
    name: cashier.name,
    username: cashier.login,
    password: cashier.password,
    role: 'CASHIER',
    lanCenterIds: [lanCenterId],
  });

  const packages = [
    { name: '1 hora', seconds: 3600, priceMinor: 250, zoneIds: [general.id] },
    { name: '3 horas', seconds: 3 * 3600, priceMinor: 700, zoneIds: [general.id], validForDays: 30 },
    { name: 'Amanecida (22:00–06:00)', seconds: 8 * 3600, priceMinor: 1200, zoneIds: [general.id], validStart: '22:00', validEnd: '06:00', validForDays: 7 },
    { name: 'VIP 2 horas', seconds: 2 * 3600, priceMinor: 900, zoneIds: [vip.id], validForDays: 30 },
  ];
  for (const p of packages) await call(baseUrl, 'POST', '/api/v1/time-packages', m, p);

  // Customers, topped up at the counter in the cashier's shift (left open, as mid-day).
  const people = [
    ['María Quispe', 'mquispe', 2000], ['Luis Huamán', 'lhuaman', 1500], ['Valeria Flores', 'vflores', 5000],
    ['José Mamani', 'jmamani', 1000], ['Camila Torres', 'ctorres', 2500], ['Diego Ramírez', 'dramirez', 800],
    ['Lucía Chávez', 'lchavez', 3000], ['Mateo Rojas', 'mrojas', 1200], ['Sofía Castillo', 'scastillo', 4000],
    ['Sebastián Vargas', 'svargas', 600], ['Valentina Díaz', 'vdiaz', 2200], ['Nicolás Mendoza', 'nmendoza', 1800],
    ['Isabella Gutiérrez', 'igutierrez', 3500], ['Joaquín Sánchez', 'jsanchez', 900], ['Martina Paredes', 'mparedes', 2700],
    ['Gabriel Ccori', 'gccori', 500], ['Renata Salazar', 'rsalazar', 4500], ['Santiago Espinoza', 'sespinoza', 1300],
    ['Ximena Ramos', 'xramos', 2000], ['Adrián Cárdenas', 'acardenas', 1000],
  ];
  const c = (await call(baseUrl, 'POST', '/api/v1/auth/login', null, { login: cashier.login, password: cashier.password })).accessToken;
  await call(baseUrl, 'POST', '/api/v1/shifts/open', c, { lanCenterId, openingFloatMinor: 20000 });
  const methods = ['CASH', 'CASH', 'YAPE', 'CASH', 'PLIN'];
  const customers = [];
  for (const [i, [name, username, balance]] of people.entries()) {
    const customer = await call(baseUrl, 'POST', '/api/v1/customers', c, {
      name,
      username,
      password: customerPassword,
      phone: `9${String(87_000_000 + i * 104_729).slice(0, 8)}`,
    });
    const paymentMethod = methods[i % methods.length];
    await call(baseUrl, 'POST', `/api/v1/customers/${customer.id}/recharges`, c, {
      lanCenterId,
      amountMinor: balance,
      paymentMethod,
      ...(paymentMethod === 'CASH' ? {} : { reference: `OP-${100_000 + i * 37}` }),
    }, { 'idempotency-key': `demo-seed-recharge-${username}` });
    customers.push({ id: customer.id, name, username });
  }
  say(`created 2 zones, 8 PCs, 2 staff, ${customers.length} customers with balances, ${packages.length} time packages (no products: the server has no shop route yet)`);

  return {
    lanCenterId,
    lanCenterName: 'Arena Lima',
    manager,
    cashier,
    customerPassword,
    pcs,
    customers,
    dataDir: relative(root, dataDir),
  };
}

// ── helpers ──────────────────────────────────────────────────────────────
async function call(baseUrl, method, path, token, body, headers = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function login(baseUrl, who) {
  return (await call(baseUrl, 'POST', '/api/v1/auth/login', null, { login: who.login, password: who.password })).accessToken;
}

async function waitFor(fn, timeoutMs, what, everyMs = 200) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function portFree(port) {
  return new Promise((resolvePort) => {
    const srv = createServer();
    srv.once('error', () => resolvePort(false));
    srv.listen(port, () => srv.close(() => resolvePort(true)));
  });
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function rel(p) {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? `./${r}` : p;
}
