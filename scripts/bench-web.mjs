// `npm run bench:web` (after `npm run build`): the console's two performance goals.
//  (a) first-load JavaScript per route, gzip, read from the static export (apps/web/out/**/*.html):
//      every <script src> of the page (nomodule polyfills excluded), each file gzipped, summed.
//      Goal ≤ 250 kB per route.
//  (b) live floor latency with 200 PCs: a real server (built dist, temporary DATA_DIR), 200
//      stations, the floor open in headless Chromium (Debian's /usr/bin/chromium, playwright-core).
//      Each sample is a PC change made on the server (PATCH maintenance on/off, the same path an
//      agent event takes: write → domain event → console gateway → socket → cache → tile),
//      timed inside the page from the request being sent to the tile's DOM mutation
//      (MutationObserver). Goal p95 < 200 ms. Baseline in the same page: a bare Socket.IO round
//      trip on the same namespace (floor.subscribe ack), reported as a ratio.
// Options: --samples N (default 100), --pcs N (default 200), --skip-live.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureNode24, root } from './node-guard.mjs';

ensureNode24();

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = arg('samples', 100);
const PCS = arg('pcs', 200);
const SKIP_LIVE = process.argv.includes('--skip-live');
const JS_BUDGET_KB = 250;
const LATENCY_GOAL_MS = 200;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), max: s.at(-1), n: s.length };
};
const fmt = (st) =>
  `p50 ${st.p50.toFixed(1)} ms · p95 ${st.p95.toFixed(1)} ms · max ${st.max.toFixed(1)} ms (n=${st.n})`;

async function live() {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'econtrol-bench-web-'));
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const server = spawn(process.execPath, [serverMain], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  let browser;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${log}`);
      const ok = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 150));
    }

    const manager = {
      name: 'Bench Manager',
      email: 'bench@example.pe',
      username: 'bench',
      password: 'clave-bench-123',
    };
    const call = async (token, method, p, body) => {
      const res = await fetch(`${base}/api/v1${p}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const signup = await fetch(`${base}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organizationName: 'Bench Gaming',
        lanCenter: { name: 'Sede Bench' },
        manager,
        tokenMode: 'bearer',
      }),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`signup → ${r.status} ${await r.text()}`);
      return r.json();
    });
    const token = signup.auth.accessToken;
    const lanId = signup.lanCenter.id;
    const zoneNames = ['General', 'VIP', 'Streaming', 'Consolas'];
    const zones = [];
    for (const [i, name] of zoneNames.entries())
      zones.push(await call(token, 'POST', `/lan-centers/${lanId}/zones`, { name, position: i }));
    const t0 = Date.now();
    const ids = new Array(PCS);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < PCS) {
          const i = next++;
          const pc = await call(token, 'POST', `/lan-centers/${lanId}/pcs`, {
            name: `PC-${String(i + 1).padStart(3, '0')}`,
            zoneId: zones[i % zones.length].id,
            requiresAgent: false,
          });
          ids[i] = pc.id;
        }
      }),
    );
    console.log(
      `\n(b) Live floor: ${PCS} PCs created in ${Date.now() - t0} ms; opening the floor in Chromium…`,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-PE' });
    const page = await context.newPage();
    await page.goto(`${base}/login/`);
    const csrf = await page.evaluate(
      async ({ login, password }) => {
        const r = await fetch('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password, tokenMode: 'cookie' }),
        });
        if (!r.ok) throw new Error(`login ${r.status}`);
        return (await r.json()).csrfToken;
      },
      { login: manager.username, password: manager.password },
    );
    const tLoad = Date.now();
    await page.goto(`${base}/`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-pc-id]').length === n, PCS, {
      timeout: 30_000,
    });
    await page.getByRole('status').filter({ hasText: 'En vivo' }).waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    console.log(`    floor with ${PCS} tiles rendered and live in ${Date.now() - tLoad} ms`);

    // Baseline: bare Socket.IO round trips on the same namespace, same page, same cookie.
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

    // The measured path: PATCH (server write + domain event) → socket push → cache → tile.
    const measured = await page.evaluate(
      async ({ ids, n, csrf }) => {
        const toDom = [];
        const toResponse = [];
        const half = Math.ceil(n / 2);
        for (let i = 0; i < n + 4; i++) {
          const k = i % half; // first pass: into maintenance, second pass: back out
          const id = ids[(k * 7) % ids.length];
          const on = Math.floor(i / half) % 2 === 0;
          const want = on ? 'MAINTENANCE' : 'AVAILABLE';
          const tile = () => document.querySelector(`[data-pc-id="${id}"]`);
          const seen = new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              mo.disconnect();
              reject(new Error(`tile ${id} never left/entered maintenance (${want})`));
            }, 5_000);
            const mo = new MutationObserver(() => {
              if ((tile()?.getAttribute('data-status') === 'MAINTENANCE') === on) {
                const t = performance.now();
                mo.disconnect();
                clearTimeout(timer);
                resolve(t);
              }
            });
            mo.observe(document.body, {
              subtree: true,
              childList: true,
              attributes: true,
              attributeFilter: ['data-status'],
            });
          });
          const t0 = performance.now();
          const res = fetch(`/api/v1/pcs/${id}`, {
            method: 'PATCH',
            credentials: 'include',
            headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
            body: JSON.stringify({ maintenance: on }),
          }).then((r) => {
            if (!r.ok) throw new Error(`PATCH ${r.status}`);
            return performance.now();
          });
          const [tDom, tRes] = await Promise.all([seen, res]);
          if (i >= 4) {
            toDom.push(tDom - t0);
            toResponse.push(tRes - t0);
          }
          // Let the browser paint before the next change, like separate real-world events.
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }
        return { toDom, toResponse };
      },
      { ids, n: SAMPLES, csrf },
    );

    const dom = stats(measured.toDom);
    const rtt = stats(baseline);
    const http = stats(measured.toResponse);
    console.log(`    PC change → tile updated (DOM):  ${fmt(dom)}`);
    console.log(`    same PATCH → HTTP response:      ${fmt(http)}`);
    console.log(`    baseline socket round trip:      ${fmt(rtt)}`);
    const lead = measured.toDom.map((d, i) => d - measured.toResponse[i]);
    const ls = stats(lead);
    console.log(
      `    tile minus HTTP response:        p50 ${ls.p50.toFixed(1)} ms · p95 ${ls.p95.toFixed(1)} ms (≤ 0: the tile changed before the writer got its answer)`,
    );
    console.log(`    machine load average (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
    console.log(
      `    ratio to baseline (p50): ${(dom.p50 / rtt.p50).toFixed(1)}×  (p95): ${(dom.p95 / rtt.p95).toFixed(1)}×`,
    );
    verdict(
      `tile update < ${LATENCY_GOAL_MS} ms with ${PCS} PCs`,
      dom.p95 < LATENCY_GOAL_MS,
      `p95 ${dom.p95.toFixed(1)} ms, max ${dom.max.toFixed(1)} ms`,
    );
  } finally {
    await browser?.close().catch(() => undefined);
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!SKIP_LIVE) {
  try {
    await live();
  } catch (error) {
    console.error(error);
    verdict(`tile update < ${LATENCY_GOAL_MS} ms with ${PCS} PCs`, false, 'the measurement failed');
  }
}
console.log(
  `\n${results.every((r) => r.ok) ? 'PASS' : 'FAIL'}: ${results.filter((r) => r.ok).length}/${results.length} goals met`,
);
process.exit(results.every((r) => r.ok) ? 0 : 1);
