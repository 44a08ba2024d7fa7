// `npm run bench:agent`: the PC agent's footprint, measured on real processes (issue 4).
//
// A real server (apps/server/dist/main.js, temp DATA_DIR, LOG_LEVEL=warn) and a real agent
// (apps/agent/dist/agent.mjs with the V8 flags of `npm run agent`), enrolled with a pairing code.
// Prints: a bare Node baseline (http server + node:sqlite), the agent's idle RSS and CPU, RSS over a
// run with a session going (the overlay's 1 s status poll included), the longest event-loop stall
// inside the agent (ECONTROL_AGENT_DIAGNOSTICS=1: node:perf_hooks monitorEventLoopDelay), and the
// time to replay 10,000 journaled events after an outage. Then PASS/FAIL per goal.
//
// Knobs (seconds): BENCH_AGENT_IDLE_S (60), BENCH_AGENT_SOAK_S (600), BENCH_AGENT_SETTLE_S (15),
// BENCH_AGENT_EVENTS (10000), BENCH_AGENT_FLAGS (override the launcher's V8 flags; "none" = none).
// BENCH_VERBOSE=1 echoes the server and agent logs.
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
const SOAK_S = num('BENCH_AGENT_SOAK_S', 600);
const SETTLE_S = num('BENCH_AGENT_SETTLE_S', 15);
const EVENTS = num('BENCH_AGENT_EVENTS', 10_000);
const SAMPLE_MS = 5_000;
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

/** Samples RSS every SAMPLE_MS for `seconds`; returns the samples and the CPU % of one core. */
async function observe(pid, seconds, label) {
  const samples = [];
  const t0 = Date.now();
  const c0 = cpuMsOf(pid);
  for (;;) {
    const t = Date.now() - t0;
    samples.push([t / 1000, rssOf(pid)]);
    if (t >= seconds * 1000) break;
    if (samples.length % 12 === 0) console.log(`    ${label}: ${Math.round(t / 1000)} s, RSS ${mb(samples.at(-1)[1])} MB`);
    await sleep(Math.min(SAMPLE_MS, seconds * 1000 - t));
  }
  const wallMs = Date.now() - t0;
  const cpuPct = ((cpuMsOf(pid) - c0) / wallMs) * 100;
  return { samples, cpuPct };
}

/** Bare Node 24 with an http server and node:sqlite (WAL file) open: the reference footprint. */
async function baseline(extraFlags) {
  const dir = mkdtempSync(join(tmpdir(), 'econtrol-bench-baseline-'));
  const code = `
    import { createServer } from 'node:http';
    import { DatabaseSync } from 'node:sqlite';
    const db = new DatabaseSync(${JSON.stringify(join(dir, 'b.db'))});
    db.exec('PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)');
    createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', () => console.log('ready'));`;
  const child = spawn(process.execPath, [...extraFlags, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  console.log(`  bare Node: ${mb(base)} MB${flags.length ? `; with the agent's flags: ${mb(baseFlagged)} MB` : ''}\n`);

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
    console.log(`  agent pid ${agent.pid} online (PC ${floor.pc.name}); settling ${SETTLE_S} s\n`);
    await sleep(SETTLE_S * 1000);

    // ── idle ──
    console.log(`› idle, locked, online: ${IDLE_S} s`);
    await resetDiag();
    const idle = await observe(agent.pid, IDLE_S, 'idle');
    const idleDiag = await health();
    const idleRss = idle.samples.map((s) => s[1]);
    const idleMean = mean(idleRss);
    const idleMax = Math.max(...idleRss);
    console.log(`  RSS mean ${mb(idleMean)} MB, max ${mb(idleMax)} MB; CPU ${idle.cpuPct.toFixed(2)} % of one core; longest event-loop delay ${idleDiag.eventLoopDelay.maxMs} ms (p99 ${idleDiag.eventLoopDelay.p99Ms} ms), most CPU in one 50 ms window ${idleDiag.maxCpuPerWindowMs} ms`);
    console.log(`  ratio to bare Node: ${(idleMean / base).toFixed(2)}× (to bare Node with the same flags: ${(idleMean / baseFlagged).toFixed(2)}×)\n`);
    verdict(`idle RSS ≤ ${GOAL.rssMb} MB`, idleMax <= GOAL.rssMb * MB, `mean ${mb(idleMean)} MB, max ${mb(idleMax)} MB (bare Node here: ${mb(base)} MB; ${(idleMean / base).toFixed(2)}×)`);
    verdict(`idle CPU < ${GOAL.cpuPct} % of one core`, idle.cpuPct < GOAL.cpuPct, `${idle.cpuPct.toFixed(2)} %`);

    // ── soak with a session ──
    console.log(`› session running: ${SOAK_S} s (RSS every ${SAMPLE_MS / 1000} s; the overlay's 1 s status poll simulated)`);
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
    const soak = await observe(agent.pid, SOAK_S, 'soak');
    polling = false;
    await poller;
    const soakDiag = await health();
    const rssS = soak.samples.map((s) => s[1]);
    const warmS = SOAK_S >= 240 ? 60 : SOAK_S * 0.25;
    const steady = soak.samples.filter(([t]) => t >= warmS).map(([t, r]) => [t, r / MB]);
    const perSec = slope(steady);
    const per10 = perSec * 600;
    console.log(`  RSS start ${mb(rssS[0])} MB, end ${mb(rssS.at(-1))} MB, max ${mb(Math.max(...rssS))} MB; slope after ${Math.round(warmS)} s of warm-up ${per10 >= 0 ? '+' : ''}${per10.toFixed(2)} MB / 10 min (${(perSec * 3600).toFixed(2)} MB/h)`);
    console.log(`  CPU ${soak.cpuPct.toFixed(2)} % of one core; longest event-loop delay ${soakDiag.eventLoopDelay.maxMs} ms (p99 ${soakDiag.eventLoopDelay.p99Ms} ms, mean ${soakDiag.eventLoopDelay.meanMs} ms), most CPU in one 50 ms window ${soakDiag.maxCpuPerWindowMs} ms\n`);
    verdict(`no RSS growth with a session (slope < ${GOAL.growthMbPer10Min} MB / 10 min)`, per10 < GOAL.growthMbPer10Min, `${per10.toFixed(2)} MB / 10 min over ${SOAK_S} s; start ${mb(rssS[0])}, end ${mb(rssS.at(-1))}, max ${mb(Math.max(...rssS))} MB`);
    verdict(`CPU with a session < ${GOAL.cpuPct} %`, soak.cpuPct < GOAL.cpuPct, `${soak.cpuPct.toFixed(2)} %`);
    const work = Math.max(idleDiag.maxCpuPerWindowMs, soakDiag.maxCpuPerWindowMs);
    const delay = Math.max(idleDiag.eventLoopDelay.maxMs, soakDiag.eventLoopDelay.maxMs);
    const p99 = Math.max(idleDiag.eventLoopDelay.p99Ms, soakDiag.eventLoopDelay.p99Ms);
    verdict(
      `no timer doing more than ${GOAL.stallMs} ms of work (idle + session)`,
      work <= GOAL.stallMs,
      `most CPU in one 50 ms window ${work} ms; event-loop delay max ${delay} ms, p99 ${p99} ms (delay includes time the OS ran other programs)`,
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
    console.log(`  dead-lettered: ${replayDiag.deadLetters}; during replay: event-loop delay max ${replayDiag.eventLoopDelay.maxMs} ms, most CPU in one 50 ms window ${replayDiag.maxCpuPerWindowMs} ms\n`);
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
