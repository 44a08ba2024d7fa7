/**
 * Opt-in diagnostics (`ECONTROL_AGENT_DIAGNOSTICS=1`, used by `npm run bench:agent`): event-loop
 * delay (node:perf_hooks `monitorEventLoopDelay`, 10 ms sampling: any callback, timer or sync I/O
 * that blocks the loop — including the promise jobs that follow it — shows up as delay), the most
 * CPU the main thread used in one 50 ms window, and the outbox backlog. Shown in `GET /health`; reset with
 * `POST /diagnostics/reset` (agent token). Off by default: no histogram, no extra work.
 * The two probes wake the process 120 times a second, which costs ~0.85 % of a core by itself:
 * `POST /diagnostics/probes {"on": false}` pauses them (keeping what they measured) so the bench
 * can measure the agent's own CPU use.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface DiagnosticsSnapshot {
  sinceMs: number;
  eventLoopDelay: { maxMs: number; p99Ms: number; meanMs: number; samples: number };
  /**
   * Most CPU the main thread (the one that runs every callback) used within one 50 ms window: an
   * upper bound of the longest piece of work we did. Unlike the loop delay, CPU time does not grow
   * when the OS preempts us for other programs; but on a busy machine a window can last longer than
   * 50 ms and then holds the callbacks that piled up meanwhile: see {@link maxCpuWindowWallMs}.
   */
  maxCpuPerWindowMs: number;
  /** How long the window of {@link maxCpuPerWindowMs} actually lasted (50 ms on an idle machine). */
  maxCpuWindowWallMs: number;
  /** The same maximum counting all threads of the process (GC helpers, libuv's pool, SQLite). */
  maxProcessCpuPerWindowMs: number;
  /** The two probes above are running (see the file comment). */
  probes: boolean;
  outboxBacklog: number;
  deadLetters: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

const ns = (v: number): number => Math.round((v / 1e6) * 100) / 100;

function memory(): Pick<DiagnosticsSnapshot, 'rssBytes' | 'heapUsedBytes' | 'heapTotalBytes' | 'externalBytes'> {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external };
}

/** CPU time of the main thread and of the whole process (µs), and the time (ms). */
function sample(): { threadUs: number; processUs: number; wallMs: number } {
  const t = process.threadCpuUsage();
  const p = process.cpuUsage();
  return { threadUs: t.user + t.system, processUs: p.user + p.system, wallMs: performance.now() };
}

/** Loop-delay figures of the windows the probes ran before the current one (ns). */
interface Folded {
  count: number;
  sumNs: number;
  maxNs: number;
  /** The highest p99 of any earlier window: an upper bound of the p99 over all of them. */
  p99Ns: number;
}

const NONE: Folded = { count: 0, sumNs: 0, maxNs: 0, p99Ns: 0 };

export class Diagnostics {
  private readonly histogram: ReturnType<typeof monitorEventLoopDelay>;
  private since = performance.now();
  private cpuTimer: NodeJS.Timeout | null = null;
  private last = sample();
  private maxCpuUs = 0;
  private maxCpuWallMs = 0;
  private maxProcessCpuUs = 0;
  private folded: Folded = NONE;

  constructor(private readonly journal: { pendingCount(): number; deadLetterCount(): number }) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.probes(true);
  }

  /**
   * Starts or pauses the loop-delay histogram and the CPU-window timer. A pause folds what the
   * histogram holds into {@link folded} and resets it: a histogram enabled again would otherwise
   * count the whole pause as one loop delay.
   */
  probes(on: boolean): void {
    if (on === (this.cpuTimer !== null)) return;
    if (!on) {
      this.histogram.disable();
      this.folded = this.merged();
      this.histogram.reset();
      if (this.cpuTimer) clearInterval(this.cpuTimer);
      this.cpuTimer = null;
      return;
    }
    this.histogram.enable();
    this.last = sample();
    this.cpuTimer = setInterval(() => {
      const now = sample();
      const thread = now.threadUs - this.last.threadUs;
      if (thread > this.maxCpuUs) {
        this.maxCpuUs = thread;
        this.maxCpuWallMs = now.wallMs - this.last.wallMs;
      }
      this.maxProcessCpuUs = Math.max(this.maxProcessCpuUs, now.processUs - this.last.processUs);
      this.last = now;
    }, 50);
    this.cpuTimer.unref();
  }

  /** The folded windows plus the current one. */
  private merged(): Folded {
    const h = this.histogram;
    const f = this.folded;
    if (h.count === 0) return f;
    return {
      count: f.count + h.count,
      sumNs: f.sumNs + h.mean * h.count,
      maxNs: Math.max(f.maxNs, h.max),
      p99Ns: Math.max(f.p99Ns, h.percentile(99)),
    };
  }

  snapshot(): DiagnosticsSnapshot {
    const m = this.merged();
    const samples = m.count;
    return {
      sinceMs: Math.round(performance.now() - this.since),
      eventLoopDelay: {
        maxMs: samples ? ns(m.maxNs) : 0,
        p99Ms: samples ? ns(m.p99Ns) : 0,
        meanMs: samples ? ns(m.sumNs / samples) : 0,
        samples,
      },
      maxCpuPerWindowMs: Math.round(this.maxCpuUs / 10) / 100,
      maxCpuWindowWallMs: Math.round(this.maxCpuWallMs),
      maxProcessCpuPerWindowMs: Math.round(this.maxProcessCpuUs / 10) / 100,
      probes: this.cpuTimer !== null,
      outboxBacklog: this.journal.pendingCount(),
      deadLetters: this.journal.deadLetterCount(),
      ...memory(),
    };
  }

  reset(): void {
    this.histogram.reset();
    this.folded = NONE;
    this.maxCpuUs = 0;
    this.maxCpuWallMs = 0;
    this.maxProcessCpuUs = 0;
    this.last = sample();
    this.since = performance.now();
  }

  stop(): void {
    this.probes(false);
  }
}
