import { Logger } from '@nestjs/common';
import { JOB_NAME, type JobDefinition, type JobRunner, msUntilDaily } from './jobs.js';

/**
 * Embedded mode: each job on a timer of this process (one process = the whole "cluster"). A run
 * never overlaps the previous one of the same job; errors are logged, the schedule goes on.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private started = false;
  private closed = false;
  private readonly logger = new Logger('Jobs');

  register(job: JobDefinition): void {
    if (!JOB_NAME.test(job.name)) throw new Error(`invalid job name ${job.name}`);
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
    if (this.started) this.schedule(job);
  }

  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    for (const job of this.jobs.values()) this.schedule(job);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private schedule(job: JobDefinition): void {
    const s = job.schedule;
    const delay = 'everyMs' in s ? s.everyMs : msUntilDaily(s.dailyAtUtc, Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      this.fire(job);
      this.schedule(job);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private fire(job: JobDefinition): void {
    if (this.running.has(job.name)) return; // the previous run is still going: skip this tick
    const run = job
      .run({ runId: `${job.name}:${Date.now()}` })
      .catch((error: unknown) => this.logger.warn(`job ${job.name} failed: ${(error as Error).message}`))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
  }
}
