// `npm run bench:agent`: the PC agent's footprint, measured on real processes (issue 4).
//
// A real server (apps/server/dist/main.js, temp DATA_DIR, LOG_LEVEL=warn) and a real agent
// (apps/agent/dist/agent.mjs with the V8 flags of `npm run agent`), enrolled with a pairing code.
// Prints: a bare Node baseline (http server + node:sqlite), the agent's idle RSS and CPU, RSS over a
// run with a session going (the overlay's 1 s status poll included), the longest piece of work
// inside the agent (ECONTROL_AGENT_DIAGNOSTICS=1: the most CPU its main thread used in one 50 ms
// window, with how long that window lasted, plus node:perf_hooks monitorEventLoopDelay, which also
// counts time the OS gave to other programs), and the time to replay 10,000 journaled events after
// an outage. Then PASS/FAIL per goal.
//
// The diagnostics' probes (loop-delay histogram, CPU-window timer) cost ~0.85 % of a core by
// themselves, so CPU is measured while they are paused and stalls while they run: the idle CPU over
// BENCH_AGENT_IDLE_S with the probes off, then BENCH_AGENT_STALL_S more with them on; the session
// run alternates WINDOW_S windows of each (CPU from the "off" windows, stalls from the "on" ones,
// RSS from all).
//
// Knobs (seconds): BENCH_AGENT_IDLE_S (60), BENCH_AGENT_STALL_S (30), BENCH_AGENT_SOAK_S (600),
// BENCH_AGENT_SETTLE_S (15), BENCH_AGENT_EVENTS (10000), BENCH_AGENT_FLAGS (override the launcher's
// V8 flags; "none" = none). BENCH_VERBOSE=1 echoes the server and agent logs; BENCH_SERVER_PROF=<dir>
// writes a CPU profile of each server process there.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNode24 } from './node-guard.mjs';

ensureNode24();
const { AgentProcess, ServerProcess, cpuMsOf, ensureBuilt, launcherFlags, rssOf, setUpFloor, sleep, waitUntil } = await import('./lib/agent-floor.mjs');

const num = (name, dflt) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0`);
  return v;
};
const IDLE_S = num('BENCH_AGENT_IDLE_S', 60);
const STALL_S = num('BENCH_AGENT_STALL_S', 30);
const SOAK_S = num('BENCH_AGENT_SOAK_S', 600);
const SETTLE_S = num('BENCH_AGENT_SETTLE_S', 15);
const EVENTS = num('BENCH_AGENT_EVENTS', 10_000);
const SAMPLE_MS = 5_000;
const WINDOW_S = 30;
const flags = process.env.BENCH_AGENT_FLAGS === undefined ? launcherFlags() : process.env.BENCH_AGENT_FLAGS === 'none' ? [] : process.env.BENCH_AGENT_FLAGS.split(/\s+/).filter(Boolean);

const GOAL = { rssMb: 60, growthMbPer10Min: 1, cpuPct: 1, stallMs: 5, replayS: 3 };
const MB = 1024 * 1024;
const mb = (b) => (b / MB).toFixed(1);
const results = [];
const verdict = (goal, ok, detail) => results.push({ goal, ok, detail });

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The agent's busiest 50 ms window (diagnostics.ts): main-thread CPU, how long it lasted, all threads. */
const windowText = (d) =>
  `most main-thread CPU in one 50 ms window ${d.maxCpuPerWindowMs} ms (that window lasted ${d.maxCpuWindowWallMs} ms; all threads: ${d.maxProcessCpuPerWindowMs} ms)`;

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/**
 * Samples RSS every SAMPLE_MS for `seconds` (times from `origin`, ms) into `samples`; returns the
 * CPU time used and the wall time, ms.
 */
async function observe(pid, seconds, label, samples = [], origin = Date.now()) {
  const t0 = Date.now();
  const c0 = cpuMsOf(pid);
  for (;;) {
    const t = Date.now() - t0;
    samples.push([(Date.now() - origin) / 1000, rssOf(pid)]);
    if (t >= seconds * 1000) break;
    if (samples.length % 12 === 0) console.log(`    ${label}: ${Math.round(samples.at(-1)[0])} s, RSS ${mb(samples.at(-1)[1])} MB`);
    await sleep(Math.min(SAMPLE_MS, seconds * 1000 - t));
  }
  return { samples, cpuMs: cpuMsOf(pid) - c0, wallMs: Date.now() - t0 };
}

/**
 * RSS growth per 10 minutes: median RSS of the last minute minus the median of the first minute
 * after the warm-up. Not a least-squares slope: after start RSS climbs towards a plateau (V8 heap
 * pages, malloc arenas, SQLite's page cache reaching their working size) and a line fitted over
 * that curve projects the early climb as if it never stopped, while single samples jump with each
 * GC. Medians of whole minutes compare settled levels and ignore GC spikes; a real leak (RSS rising
 * all along) still moves the last minute's median by everything it leaked, so it still fails.
 */
function growthPer10Min(samples, warmS) {
  const span = samples.at(-1)[0] - warmS;
  const w = Math.min(60, span / 3);
  const first = samples.filter(([t]) => t >= warmS && t <= warmS + w);
  const last = samples.filter(([t]) => t >= samples.at(-1)[0] - w);
  const dt = mean(last.map((s) => s[0])) - mean(first.map((s) => s[0]));
  const grew = median(last.map((s) => s[1])) - median(first.map((s) => s[1]));
  return { perTen: dt > 0 ? ((grew / MB) * 600) / dt : 0, grewMb: grew / MB, w };
}

/**
 * Bare Node 24 with an http server and node:sqlite (WAL file) open: the reference footprint. As
 * CommonJS by default: an ES module's `import … from 'node:http'` goes through Node's ESM facade,
 * which loads all of undici (~10 MB) — the agent's bundle avoids that too (esbuild.config.mjs).
 */
async function baseline(extraFlags, esm = false) {
  const dir = mkdtempSync(join(tmpdir(), 'econtrol-bench-baseline-'));
  const load = esm
    ? "import { createServer } from 'node:http'; import { DatabaseSync } from 'node:sqlite';"
    : "const { createServer } = require('node:http'); const { DatabaseSync } = require('node:sqlite');";
  const code = `${load}
    const db = new DatabaseSync(${JSON.stringify(join(dir, 'b.db'))});
    db.exec('PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)');
    createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', () => console.log('ready'));`;
  const child = spawn(process.execPath, [...extraFlags, `--input-type=${esm ? 'module' : 'commonjs'}`, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => child.stdout.once('data', r));
  await sleep(5_000);
  const rss = [];
  for (let i = 0; i < 3; i++) {
    rss.push(rssOf(child.pid));
    await sleep(1_000);
  }
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  return rss.reduce((a, b) => a + b, 0) / rss.length;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  console.log(`eControl agent bench — Node ${process.version}, agent flags: ${flags.join(' ') || '(none)'}`);
  console.log(`  idle ${IDLE_S} s, soak ${SOAK_S} s, replay of ${EVENTS} events`);
  console.log(`  machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (timings and loop delays stretch on a busy machine)\n`);
  ensureBuilt();

  console.log('› baseline: bare Node + http server + node:sqlite');
  const base = await baseline([]);
  const baseFlagged = flags.length ? await baseline(flags) : base;
  const baseEsm = await baseline([], true);
  console.log(`  bare Node: ${mb(base)} MB${flags.length ? `; with the agent's flags: ${mb(baseFlagged)} MB` : ''}; as an ES module importing node:http: ${mb(baseEsm)} MB\n`);

  console.log('› server + floor + agent enrollment');
  const server = await ServerProcess.start();
  let agent;
  try {
    const floor = await setUpFloor(server, { ratePerHourMinor: 300, balanceMinor: 50_000 });
    agent = await AgentProcess.start({
      serverUrl: server.url,
      pairingCode: floor.pairingCode,
      flags,
      env: {
        ECONTROL_AGENT_DIAGNOSTICS: '1',
        ECONTROL_AGENT_TEST_SYNTHETIC_EVENTS: String(EVENTS),
        ECONTROL_AGENT_RECONNECT_MAX_MS: '2000',
      },
    });
    await agent.waitFor((s) => s.connection === 'online', 20_000, 'online');
    const health = () => fetch(`${agent.url}/health`).then((r) => r.json()).then((h) => h.diagnostics);
    const resetDiag = () => agent.post('/diagnostics/reset');
    const probes = (on) => agent.post('/diagnostics/probes', { on });
    console.log(`  agent pid ${agent.pid} online (PC ${floor.pc.name}); settling ${SETTLE_S} s\n`);
    await sleep(SETTLE_S * 1000);

    // ── idle ──
    console.log(`› idle, locked, online: ${IDLE_S} s (probes off), then ${STALL_S} s with the stall probes on`);
    await probes(false);
    const idle = await observe(agent.pid, IDLE_S, 'idle');
    idle.cpuPct = (idle.cpuMs / idle.wallMs) * 100;
    await resetDiag();
    await probes(true);
    await sleep(STALL_S * 1000);
    const idleDiag = await health();
    const idleRss = idle.samples.map((s) => s[1]);
    const idleMean = mean(idleRss);
    const idleMax = Math.max(...idleRss);
    console.log(`  RSS mean ${mb(idleMean)} MB, max ${mb(idleMax)} MB; CPU ${idle.cpuPct.toFixed(2)} % of one core; longest event-loop delay ${idleDiag.eventLoopDelay.maxMs} ms (p99 ${idleDiag.eventLoopDelay.p99Ms} ms), ${windowText(idleDiag)}; V8 heap ${mb(idleDiag.heapUsedBytes)} of ${mb(idleDiag.heapTotalBytes)} MB`);
    console.log(`  ratio to bare Node: ${(idleMean / base).toFixed(2)}× (to bare Node with the same flags: ${(idleMean / baseFlagged).toFixed(2)}×)\n`);
    verdict(`idle RSS ≤ ${GOAL.rssMb} MB`, idleMax <= GOAL.rssMb * MB, `mean ${mb(idleMean)} MB, max ${mb(idleMax)} MB (bare Node here: ${mb(base)} MB; ${(idleMean / base).toFixed(2)}×)`);
    verdict(`idle CPU < ${GOAL.cpuPct} % of one core`, idle.cpuPct < GOAL.cpuPct, `${idle.cpuPct.toFixed(2)} %`);

    // ── soak with a session ──
    console.log(`› session running: ${SOAK_S} s (RSS every ${SAMPLE_MS / 1000} s; the overlay's 1 s status poll simulated; probes off/on every ${WINDOW_S} s)`);
    const started = await floor.startSession();
    await agent.waitFor((s) => s.session.phase === 'in_session', 15_000, 'in session');
    await resetDiag();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await agent.status().catch(() => undefined);
        await sleep(1_000);
      }
    })();
    const soakStart = await health();
    const soak = { samples: [], cpuMs: 0, wallMs: 0 };
    const origin = Date.now();
    for (let w = 0; Date.now() - origin < SOAK_S * 1000; w++) {
      const on = w % 2 === 1;
      await probes(on);
      const left = SOAK_S - (Date.now() - origin) / 1000;
      const r = await observe(agent.pid, Math.min(WINDOW_S, left), 'soak', soak.samples, origin);
      if (!on) {
        soak.cpuMs += r.cpuMs;
        soak.wallMs += r.wallMs;
      }
    }
    soak.cpuPct = (soak.cpuMs / soak.wallMs) * 100;
    polling = false;
    await poller;
    const soakDiag = await health();
    const rssS = soak.samples.map((s) => s[1]);
    const warmS = SOAK_S >= 240 ? 60 : SOAK_S * 0.25;
    const steady = soak.samples.filter(([t]) => t >= warmS).map(([t, r]) => [t, r / MB]);
    const slopePer10 = slope(steady) * 600;
    const growth = growthPer10Min(soak.samples, warmS);
    const per10 = growth.perTen;
    const signed = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
    console.log(`  RSS start ${mb(rssS[0])} MB, end ${mb(rssS.at(-1))} MB, max ${mb(Math.max(...rssS))} MB; median of the last ${Math.round(growth.w)} s vs the first ${Math.round(growth.w)} s after ${Math.round(warmS)} s of warm-up: ${signed(growth.grewMb)} MB = ${signed(per10)} MB / 10 min (least-squares slope: ${signed(slopePer10)} MB / 10 min)`);
    console.log(`  V8 heap used ${mb(soakStart.heapUsedBytes)} → ${mb(soakDiag.heapUsedBytes)} MB (of ${mb(soakStart.heapTotalBytes)} → ${mb(soakDiag.heapTotalBytes)} MB)`);
    console.log(`  CPU ${soak.cpuPct.toFixed(2)} % of one core (${Math.round(soak.wallMs / 1000)} s with the probes off); longest event-loop delay ${soakDiag.eventLoopDelay.maxMs} ms (p99 ${soakDiag.eventLoopDelay.p99Ms} ms, mean ${soakDiag.eventLoopDelay.meanMs} ms), ${windowText(soakDiag)}\n`);
    verdict(`RSS with a session ≤ ${GOAL.rssMb} MB`, Math.max(...rssS) <= GOAL.rssMb * MB, `max ${mb(Math.max(...rssS))} MB over ${SOAK_S} s`);
    verdict(`no RSS growth with a session (< ${GOAL.growthMbPer10Min} MB / 10 min)`, per10 < GOAL.growthMbPer10Min, `${signed(per10)} MB / 10 min over ${SOAK_S} s (slope ${signed(slopePer10)}); start ${mb(rssS[0])}, end ${mb(rssS.at(-1))}, max ${mb(Math.max(...rssS))} MB`);
    verdict(`CPU with a session < ${GOAL.cpuPct} %`, soak.cpuPct < GOAL.cpuPct, `${soak.cpuPct.toFixed(2)} %`);
    const busiest = idleDiag.maxCpuPerWindowMs >= soakDiag.maxCpuPerWindowMs ? idleDiag : soakDiag;
    const work = busiest.maxCpuPerWindowMs;
    const delay = Math.max(idleDiag.eventLoopDelay.maxMs, soakDiag.eventLoopDelay.maxMs);
    const p99 = Math.max(idleDiag.eventLoopDelay.p99Ms, soakDiag.eventLoopDelay.p99Ms);
    verdict(
      `no timer doing more than ${GOAL.stallMs} ms of work (idle + session)`,
      work <= GOAL.stallMs,
      `${windowText(busiest)}; event-loop delay max ${delay} ms, p99 ${p99} ms (delay includes time the OS ran other programs)`,
    );

    // ── outage + replay ──
    console.log(`› outage: server stopped, ${EVENTS} events journaled, server restarted`);
    await server.stop();
    await agent.waitFor((s) => s.connection !== 'online', 15_000, 'offline');
    const marker = agent.logs.length;
    agent.child.kill('SIGUSR2');
    const line = await waitUntil(() => agent.logs.slice(marker).find((l) => l.includes('synthetic: journaled')), 60_000, 'synthetic events');
    const before = await health();
    console.log(`  ${line.replace('[agent] ', '')}; backlog ${before.outboxBacklog}`);
    await sleep(2_000);
    await probes(true);
    await resetDiag();
    const t0 = performance.now();
    const agentCpu0 = cpuMsOf(agent.pid);
    await server.start();
    const serverCpu0 = cpuMsOf(server.child.pid);
    const tReady = performance.now();
    let tOnline = null;
    let last = before;
    await waitUntil(async () => {
      last = await health();
      if (tOnline === null && (await agent.status()).connection === 'online') tOnline = performance.now();
      return last.outboxBacklog === 0;
    }, 120_000, 'journal empty', 20);
    const tEmpty = performance.now();
    const agentCpu = cpuMsOf(agent.pid) - agentCpu0;
    const serverCpu = cpuMsOf(server.child.pid) - serverCpu0;
    tOnline ??= tEmpty;
    const replayDiag = await health();
    const replayS = (tEmpty - tOnline) / 1000;
    console.log(`  server up in ${((tReady - t0) / 1000).toFixed(2)} s; agent reconnected ${((tOnline - tReady) / 1000).toFixed(2)} s later (backoff); journal empty ${replayS.toFixed(2)} s after reconnecting (${((tEmpty - tReady) / 1000).toFixed(2)} s after the server was up)`);
    console.log(`  CPU while replaying: agent ${(agentCpu / 1000).toFixed(2)} s, server ${(serverCpu / 1000).toFixed(2)} s (${(serverCpu / EVENTS).toFixed(2)} ms per event)`);
    console.log(`  dead-lettered: ${replayDiag.deadLetters}; during replay: event-loop delay max ${replayDiag.eventLoopDelay.maxMs} ms, ${windowText(replayDiag)}\n`);
    verdict(`replay of ${EVENTS} events < ${GOAL.replayS} s`, replayS < GOAL.replayS && replayDiag.deadLetters === 0, `${replayS.toFixed(2)} s from reconnect to empty journal (${((tEmpty - tReady) / 1000).toFixed(2)} s from server up), ${replayDiag.deadLetters} refused`);

    await agent.waitFor((s) => s.session.phase === 'in_session', 10_000, 'still in session');
    await floor.endSession(started.id).catch((e) => console.log(`  (ending the session: ${e.message})`));
  } finally {
    await agent?.stop(false);
    await server.dispose();
  }

  console.log('Results');
  for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.goal}: ${r.detail}`);
  if (results.some((r) => r.goal.startsWith('idle RSS') && !r.ok)) {
    console.log(`  note: the RSS goal assumes bare Node measures ~47 MB; on this machine it measures ${mb(base)} MB, so the same budget scaled is ${mb((base * GOAL.rssMb) / 47)} MB.`);
  }
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

await main();
