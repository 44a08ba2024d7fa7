/**
 * Opt-in diagnostics (`ECONTROL_AGENT_DIAGNOSTICS=1`, used by `npm run bench:agent`): event-loop
 * delay (node:perf_hooks `monitorEventLoopDelay`, 10 ms sampling: any callback, timer or sync I/O
 * that blocks the loop — including the promise jobs that follow it — shows up as delay), the most
 * CPU used in one 50 ms window, and the outbox backlog. Shown in `GET /health`; reset with
 * `POST /diagnostics/reset` (agent token). Off by default: no histogram, no extra work.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface DiagnosticsSnapshot {
  sinceMs: number;
  eventLoopDelay: { maxMs: number; p99Ms: number; meanMs: number; samples: number };
  /**
   * Most CPU the process used within one 50 ms window (all threads: an upper bound of the longest
   * piece of work we did). Unlike the loop delay, it does not grow when the OS preempts us for
   * other programs, so it tells our own stalls apart from a busy machine.
   */
  maxCpuPerWindowMs: number;
  outboxBacklog: number;
  deadLetters: number;
  rssBytes: number;
  heapUsedBytes: number;
}

const ns = (v: number): number => Math.round((v / 1e6) * 100) / 100;

export class Diagnostics {
  private readonly histogram: ReturnType<typeof monitorEventLoopDelay>;
  private since = performance.now();
  private readonly cpuTimer: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  private maxCpuUs = 0;

  constructor(private readonly journal: { pendingCount(): number; deadLetterCount(): number }) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.cpuTimer = setInterval(() => {
      const now = process.cpuUsage();
      const used = now.user - this.lastCpu.user + (now.system - this.lastCpu.system);
      this.lastCpu = now;
      if (used > this.maxCpuUs) this.maxCpuUs = used;
    }, 50);
    this.cpuTimer.unref();
  }

  snapshot(): DiagnosticsSnapshot {
    const h = this.histogram;
    const samples = h.count;
    return {
      sinceMs: Math.round(performance.now() - this.since),
      eventLoopDelay: {
        maxMs: samples ? ns(h.max) : 0,
        p99Ms: samples ? ns(h.percentile(99)) : 0,
        meanMs: samples ? ns(h.mean) : 0,
        samples,
      },
      maxCpuPerWindowMs: Math.round(this.maxCpuUs / 10) / 100,
      outboxBacklog: this.journal.pendingCount(),
      deadLetters: this.journal.deadLetterCount(),
      rssBytes: process.memoryUsage.rss(),
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
  }

  reset(): void {
    this.histogram.reset();
    this.maxCpuUs = 0;
    this.lastCpu = process.cpuUsage();
    this.since = performance.now();
  }

  stop(): void {
    this.histogram.disable();
    clearInterval(this.cpuTimer);
  }
}
