// `npm run bench:web` (after `npm run build`): the console's two performance goals.
//  (a) first-load JavaScript per route, gzip, read from the static export (apps/web/out/**/*.html):
//      every <script src> of the page (nomodule polyfills excluded), each file gzipped, summed.
//      Goal ≤ 250 kB per route.
//  (b) live floor latency with 200 PCs, from a REAL agent event: a real server (built dist, temporary
//      DATA_DIR, PGlite), 200 stations (4 zones with tariffs), the floor open in headless Chromium
//      (Debian's /usr/bin/chromium, playwright-core). The agent PCs (all 200 by default, --agents N)
//      are driven by lightweight protocol clients (scripts/lib/agent-client.mjs, not agent
//      processes) that speak the real agent protocol (packages/contracts/src/agent-protocol.ts):
//      pairing code → POST /api/v1/agent/enroll → POST /api/v1/agent/token → Socket.IO /agent
//      (msgpack) handshake → welcome; each gets a running session through POST /api/v1/sessions,
//      whose `session.start` it acks, and sends heartbeats at the configured interval.
//      Each sample: one client emits an `agent.sync` with a `session.paused` or `session.resumed`
//      event (agent gateway → AgentSyncService → sessions.applyAgentPause → domain event → console
//      gateway → `pc.updated` → cache → tile). The page is armed first (a MutationObserver waiting
//      for that tile to show or drop "En pausa"); latency = page time of the DOM mutation
//      (performance.timeOrigin + now) − Node's Date.now() just before the emit (same machine
//      clock, offset checked and subtracted). Also printed: to the next animation frame, and the
//      agent's own sync ack. Goal p95 < 200 ms. Baseline in the same page: a bare Socket.IO round
//      trip on the console namespace (floor.subscribe ack), reported as a ratio.
// Options: --samples N (default 100), --pcs N (default 200), --agents N (default all PCs), --skip-live.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureNode24, root } from './node-guard.mjs';
import { launchChromium } from './lib/chromium.mjs';

ensureNode24();

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = arg('samples', 100);
const PCS = arg('pcs', 200);
const AGENTS = Math.min(PCS, arg('agents', PCS));
const SKIP_LIVE = process.argv.includes('--skip-live');
const JS_BUDGET_KB = 250;
const LATENCY_GOAL_MS = 200;

const out = path.join(root, 'apps/web/out');
const serverMain = path.join(root, 'apps/server/dist/main.js');
for (const f of [path.join(out, 'index.html'), serverMain])
  if (!existsSync(f)) {
    console.error(`${f} is missing: run \`npm run build\` first`);
    process.exit(1);
  }

const results = [];
const verdict = (name, ok, detail) => {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
};

// ---- (a) first-load JS per route -------------------------------------------------------------
function htmlFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) {
      if (entry !== '_next') files.push(...htmlFiles(p));
    } else if (entry.endsWith('.html')) files.push(p);
  }
  return files;
}

const gzCache = new Map();
function gzipSize(file) {
  if (!gzCache.has(file)) gzCache.set(file, gzipSync(readFileSync(file), { level: 9 }).length);
  return gzCache.get(file);
}

console.log('\n(a) First-load JavaScript per route (gzip -9, from apps/web/out)\n');
const rows = [];
for (const html of htmlFiles(out)) {
  const rel = path.relative(out, html);
  if (rel === '404.html' || rel.startsWith('_not-found') || rel.startsWith('404')) continue;
  const route = `/${rel.replace(/index\.html$/, '').replace(/\.html$/, '')}`;
  const src = readFileSync(html, 'utf8');
  const scripts = new Set();
  for (const m of src.matchAll(/<script\b([^>]*)>/g)) {
    const attrs = m[1];
    if (/\bnomodule\b/i.test(attrs)) continue;
    const s = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
    if (s && s.endsWith('.js')) scripts.add(s.split('?')[0]);
  }
  let bytes = 0;
  for (const s of scripts) {
    const file = path.join(out, s.replace(/^\//, ''));
    if (!existsSync(file)) throw new Error(`${route}: ${s} is not in the export`);
    bytes += gzipSize(file);
  }
  rows.push({ route, files: scripts.size, kB: bytes / 1000 });
}
rows.sort((a, b) => a.route.localeCompare(b.route));
const w = Math.max(...rows.map((r) => r.route.length));
for (const r of rows)
  console.log(
    `  ${r.route.padEnd(w)}  ${String(r.files).padStart(3)} files  ${r.kB.toFixed(1).padStart(7)} kB`,
  );
const worst = rows.reduce((a, b) => (b.kB > a.kB ? b : a));
verdict(
  `first-load JS ≤ ${JS_BUDGET_KB} kB per route`,
  worst.kB <= JS_BUDGET_KB,
  `largest ${worst.route} ${worst.kB.toFixed(1)} kB over ${rows.length} routes`,
);

// ---- (b) live floor latency ------------------------------------------------------------------
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), max: s.at(-1), n: s.length };
};
const fmt = (st) =>
  `p50 ${st.p50.toFixed(1)} ms · p95 ${st.p95.toFixed(1)} ms · max ${st.max.toFixed(1)} ms (n=${st.n})`;

async function live() {
  const { ServerProcess } = await import('./lib/agent-floor.mjs');
  const { AgentClient } = await import('./lib/agent-client.mjs');
  // Enrolling a whole floor from one address within a minute trips the per-IP limit of the auth
  // routes (enroll, token, login), meant for password guessing: raised for this server only.
  const server = await ServerProcess.start({ AUTH_RATE_LIMIT_PER_MIN: '100000' });
  const base = server.url;
  const clients = [];
  let browser;
  try {
    const manager = {
      name: 'Bench Manager',
      email: 'bench@example.pe',
      username: 'bench',
      password: 'clave-bench-123',
    };
    const signup = await server.api('POST', '/api/v1/signup', {
      body: { organizationName: 'Bench Gaming', lanCenter: { name: 'Sede Bench' }, manager, tokenMode: 'bearer' },
    });
    const token = signup.auth.accessToken;
    const lanId = signup.lanCenter.id;
    const call = (method, p, body, headers) => server.api(method, `/api/v1${p}`, { token, body, headers });
    const pool = async (n, width, fn) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(width, n) }, async () => {
          while (next < n) await fn(next++);
        }),
      );
    };
    const zoneNames = ['General', 'VIP', 'Streaming', 'Consolas'];
    const zones = [];
    for (const [i, name] of zoneNames.entries()) {
      const zone = await call('POST', `/lan-centers/${lanId}/zones`, { name, position: i });
      await call('PUT', `/zones/${zone.id}/tariff`, {
        ratePerHourMinor: 300 + 100 * i,
        granularity: 'second',
        minimumChargeMinor: 0,
      });
      zones.push(zone);
    }
    // The agent PCs are spread over the floor (every zone, every part of the grid).
    const agentIndex = new Set(Array.from({ length: AGENTS }, (_, k) => Math.floor((k * PCS) / AGENTS)));
    let t0 = Date.now();
    const ids = new Array(PCS);
    await pool(PCS, 8, async (i) => {
      const pc = await call('POST', `/lan-centers/${lanId}/pcs`, {
        name: `PC-${String(i + 1).padStart(3, '0')}`,
        zoneId: zones[i % zones.length].id,
        requiresAgent: agentIndex.has(i),
      });
      ids[i] = pc.id;
    });
    console.log(`\n(b) Live floor: ${PCS} PCs created in ${Date.now() - t0} ms`);

    // Protocol clients: pairing code → enroll → token → /agent handshake → welcome.
    t0 = Date.now();
    const agentPcs = [...agentIndex].map((i) => ids[i]);
    await pool(agentPcs.length, 8, async (k) => {
      const c = new AgentClient(base, agentPcs[k]);
      clients[k] = c;
      await c.enroll(token, `bench-pc-${k + 1}`);
      await c.connect();
      c.startHeartbeats();
    });
    const tEnrolled = Date.now() - t0;
    // A running session on each agent PC: POST /sessions → session.start → the client's ack.
    t0 = Date.now();
    await pool(clients.length, 8, async (k) => {
      const s = await call(
        'POST',
        '/sessions',
        { pcId: clients[k].pcId, postpaidGuest: { label: `Invitado ${k + 1}` } },
        { 'idempotency-key': `bench-web-${clients[k].pcId}` },
      );
      if (s.status !== 'ACTIVE' || clients[k].sessionId !== s.id) throw new Error(`session ${s.id} is ${s.status}`);
    });
    await Promise.all(clients.map((c) => c.settled()));
    console.log(
      `    ${clients.length} protocol clients enrolled and connected in ${tEnrolled} ms; sessions started (acked) in ${Date.now() - t0} ms`,
    );

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-PE' });
    const page = await context.newPage();
    await page.goto(`${base}/login/`);
    await page.evaluate(
      async ({ login, password }) => {
        const r = await fetch('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password, tokenMode: 'cookie' }),
        });
        if (!r.ok) throw new Error(`login ${r.status}`);
      },
      { login: manager.username, password: manager.password },
    );
    const tLoad = Date.now();
    await page.goto(`${base}/`);
    await page.waitForFunction(
      ({ n, busy }) =>
        document.querySelectorAll('[data-pc-id]').length === n &&
        document.querySelectorAll('[data-pc-id][data-status="OCCUPIED"]').length === busy,
      { n: PCS, busy: clients.length },
      { timeout: 30_000 },
    );
    await page.getByRole('status').filter({ hasText: 'En vivo' }).waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    console.log(
      `    floor with ${PCS} tiles (${clients.length} occupied, clocks ticking) rendered and live in ${Date.now() - tLoad} ms`,
    );

    // Node's Date.now() and the page's performance.timeOrigin + performance.now() read the same
    // machine clock; checked here (offset at the tightest of 20 CDP round trips).
    let clock = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 20; i++) {
      const a = Date.now();
      const p = await page.evaluate(() => performance.timeOrigin + performance.now());
      const b = Date.now();
      if (b - a < clock.rtt) clock = { rtt: b - a, offset: p - (a + b) / 2 };
    }

    // Baseline: bare Socket.IO round trips on the console namespace, same page, same cookie.
    await page.addScriptTag({
      path: path.join(root, 'node_modules/socket.io-client/dist/socket.io.msgpack.min.js'),
    });
    const baseline = await page.evaluate(
      async ({ lanId, n }) => {
        const s = window.io('/console', {
          path: '/socket.io',
          withCredentials: true,
          transports: ['websocket'],
        });
        await new Promise((resolve, reject) => {
          s.once('connect', resolve);
          s.once('connect_error', reject);
        });
        const out = [];
        for (let i = 0; i < n + 5; i++) {
          const t = performance.now();
          await new Promise((resolve) => s.emit('floor.subscribe', { lanCenterId: lanId }, resolve));
          if (i >= 5) out.push(performance.now() - t);
        }
        s.disconnect();
        return out;
      },
      { lanId, n: SAMPLES },
    );

    // The measured path: agent.sync (session.paused / session.resumed) → AgentSyncService →
    // sessions.applyAgentPause → domain event → console gateway → pc.updated → cache → tile.
    const pausedLabel = JSON.parse(readFileSync(path.join(root, 'apps/web/messages/es.json'), 'utf8')).floor.paused;
    const WARMUP = 4;
    const toDom = [];
    const toFrame = [];
    const toAck = [];
    const kinds = { paused: 0, resumed: 0 };
    const half = Math.ceil((SAMPLES + WARMUP) / 2);
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      // First half: pause PCs across the floor; second half: resume them (each event flips the PC).
      const c = clients[((i % half) * 7) % clients.length];
      const pause = !c.paused;
      // Arm the page: a MutationObserver waiting for this tile to show (or drop) "En pausa".
      await page.evaluate(
        ({ id, pause, pausedLabel }) => {
          const now = () => performance.timeOrigin + performance.now();
          const tile = () => document.querySelector(`[data-pc-id="${id}"]`);
          const shows = () => {
            const t = tile();
            return (
              t?.getAttribute('data-status') === 'OCCUPIED' &&
              (t.getAttribute('aria-label') ?? '').split(', ').includes(pausedLabel) === pause
            );
          };
          if (shows()) throw new Error(`tile ${id} already ${pause ? 'paused' : 'running'}`);
          window.__sample = new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              mo.disconnect();
              reject(new Error(`tile ${id} never showed ${pause ? 'paused' : 'running'}`));
            }, 5_000);
            const mo = new MutationObserver(() => {
              if (!shows()) return;
              const tDom = now();
              mo.disconnect();
              clearTimeout(timer);
              requestAnimationFrame(() => resolve({ tDom, tFrame: now() }));
            });
            mo.observe(document.body, {
              subtree: true,
              childList: true,
              attributes: true,
              attributeFilter: ['aria-label', 'data-status'],
            });
          });
        },
        { id: c.pcId, pause, pausedLabel },
      );
      const tSent = Date.now();
      const acked = c.sync({ type: pause ? 'session.paused' : 'session.resumed', sessionId: c.sessionId }).then(() => Date.now());
      const [seen, tAck] = await Promise.all([page.evaluate(() => window.__sample), acked]);
      c.paused = pause;
      if (i >= WARMUP) {
        toDom.push(seen.tDom - clock.offset - tSent);
        toFrame.push(seen.tFrame - clock.offset - tSent);
        toAck.push(tAck - tSent);
        kinds[pause ? 'paused' : 'resumed']++;
      }
      // Let the browser paint before the next event, like separate real-world events.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    }

    const dom = stats(toDom);
    const rtt = stats(baseline);
    console.log(
      `    ${clients.length} of ${PCS} PCs driven by agent protocol clients; each sample one agent.sync (${kinds.paused} session.paused, ${kinds.resumed} session.resumed)`,
    );
    console.log(`    agent event → tile updated (DOM):   ${fmt(dom)}`);
    console.log(`    agent event → next frame:           ${fmt(stats(toFrame))}`);
    console.log(`    agent event → agent.sync ack:       ${fmt(stats(toAck))}`);
    console.log(`    baseline socket round trip:         ${fmt(rtt)}`);
    console.log(
      `    clock check: page − Node = ${clock.offset.toFixed(2)} ms (±${(clock.rtt / 2).toFixed(1)} ms), subtracted`,
    );
    console.log(`    machine load average (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
    console.log(
      `    ratio to baseline (p50): ${(dom.p50 / rtt.p50).toFixed(1)}×  (p95): ${(dom.p95 / rtt.p95).toFixed(1)}×`,
    );
    verdict(
      `agent event → tile update < ${LATENCY_GOAL_MS} ms with ${PCS} PCs`,
      dom.p95 < LATENCY_GOAL_MS,
      `p95 ${dom.p95.toFixed(1)} ms, max ${dom.max.toFixed(1)} ms`,
    );
  } catch (error) {
    if (server.logs.length) console.error(`server log (last lines):\n${server.logs.slice(-20).join('\n')}`);
    throw error;
  } finally {
    for (const c of clients) c?.close();
    await browser?.close().catch(() => undefined);
    await server.dispose();
  }
}

if (!SKIP_LIVE) {
  try {
    await live();
  } catch (error) {
    console.error(error);
    verdict(`agent event → tile update < ${LATENCY_GOAL_MS} ms with ${PCS} PCs`, false, 'the measurement failed');
  }
}
console.log(
  `\n${results.every((r) => r.ok) ? 'PASS' : 'FAIL'}: ${results.filter((r) => r.ok).length}/${results.length} goals met`,
);
process.exit(results.every((r) => r.ok) ? 0 : 1);
