import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisClient, redisNamespace } from '../kv/redis.js';
import { JOB_NAME, type JobDefinition, type JobRunner } from './jobs.js';

/** How long a record of one run is kept in Redis (`<ns>:jobs:run:<job>:<runId>`). */
const RUN_RECORD_TTL_S = 600;

/**
 * Scaled mode: one BullMQ queue per job, a job scheduler with a fixed id (= the job name) per
 * queue, and a worker per queue on every instance.
 * - `upsertJobScheduler` is idempotent: every instance declares the same schedule at boot, the
 *   cluster holds one (the last declaration wins, so a rolling upgrade moves everyone to the new
 *   schedule). Each scheduled run is one BullMQ job, taken by exactly one worker.
 * - Global concurrency 1 per queue: one run of a job at a time in the whole cluster, even when a
 *   run outlasts its interval.
 * - An instance that dies mid-run loses its lock; after `lockDuration` BullMQ's stalled-job check
 *   hands the run to another worker (jobs are idempotent).
 * Each run leaves the hash `<ns>:jobs:run:<job>:<runId>` (executions, instance) for RUN_RECORD_TTL_S and
 * increments `<ns>:jobs:runs` (hash job → count): operations can see where jobs ran, the scaled
 * test checks a run is never executed twice.
 */
export class BullMQJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly queues: Queue[] = [];
  private readonly workers: Worker[] = [];
  private readonly redis: Redis;
  private readonly ns: string;
  private started = false;
  private readonly logger = new Logger('Jobs');
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(url: string) {
    this.ns = redisNamespace(url);
    // BullMQ needs maxRetriesPerRequest: null (workers block on Redis).
    this.redis = redisClient(url, { maxRetriesPerRequest: null });
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
  }

  register(job: JobDefinition): void {
    if (!JOB_NAME.test(job.name)) throw new Error(`invalid job name ${job.name}`);
    if (this.started) throw new Error(`job ${job.name} registered after start`);
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const prefix = `${this.ns}:bull`;
    for (const job of this.jobs.values()) {
      const queueName = `jobs-${job.name}`;
      const queue = new Queue(queueName, { connection: this.redis, prefix });
      this.queues.push(queue);
      await queue.setGlobalConcurrency(1);
      const s = job.schedule;
      await queue.upsertJobScheduler(
        job.name,
        'everyMs' in s ? { every: s.everyMs } : { pattern: `${s.dailyAtUtc.minute} ${s.dailyAtUtc.hour} * * *`, tz: 'UTC' },
        { name: job.name, opts: { removeOnComplete: 50, removeOnFail: 200, attempts: 1 } },
      );
      const worker = new Worker(queueName, (j: Job) => this.process(job, j), {
        connection: this.redis,
        prefix,
        concurrency: 1,
        lockDuration: 15_000,
        stalledInterval: 5_000,
        maxStalledCount: 1,
      });
      worker.on('failed', (j, error) => this.logger.warn(`job ${job.name} (${j?.id}) failed: ${error.message}`));
      worker.on('error', (error) => this.logger.warn(`job worker ${job.name}: ${error.message}`));
      this.workers.push(worker);
    }
  }

  private async process(job: JobDefinition, j: Job): Promise<void> {
    const runId = j.id ?? `${job.name}:${Date.now()}`;
    await this.redis
      .multi()
      .hincrby(`${this.ns}:jobs:run:${job.name}:${runId}`, 'executions', 1)
      .hset(`${this.ns}:jobs:run:${job.name}:${runId}`, 'instance', this.instance)
      .expire(`${this.ns}:jobs:run:${job.name}:${runId}`, RUN_RECORD_TTL_S)
      .hincrby(`${this.ns}:jobs:runs`, job.name, 1)
      .exec();
    await job.run({ runId });
  }

  async close(): Promise<void> {
    // Workers first: a run in progress finishes (its lock is released) before Redis goes away.
    await Promise.allSettled(this.workers.splice(0).map((w) => w.close()));
    await Promise.allSettled(this.queues.splice(0).map((q) => q.close()));
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
