/**
 * Scheduled background work behind one interface (issue 7):
 * - scaled mode (REDIS_URL): BullMQ job schedulers — scheduled once per cluster, each run
 *   processed by exactly one instance, one run of a job at a time (BullMQJobRunner);
 * - embedded mode: timers in this process (InProcessJobRunner).
 * Services register their jobs in onModuleInit; the runner starts them at application bootstrap.
 * Every job must be idempotent and keep its state in the database: a run may be retried after a
 * crash (BullMQ stalled-job recovery), and any instance may run the next one.
 */
export type JobSchedule =
  /** Every `everyMs` milliseconds. */
  | { everyMs: number }
  /** Once a day at this UTC time. */
  | { dailyAtUtc: { hour: number; minute: number } };

export interface JobContext {
  /** Unique per scheduled run (BullMQ job id, or name + timestamp in process). */
  runId: string;
}

export interface JobDefinition {
  /** Stable id (the BullMQ job scheduler id): [a-z0-9-]+. */
  name: string;
  schedule: JobSchedule;
  run(ctx: JobContext): Promise<void>;
}

export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  /** Before start (onModuleInit). */
  register(job: JobDefinition): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const JOBS = Symbol('JOBS');

export const JOB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Milliseconds from `nowMs` to the next daily UTC time. */
export function msUntilDaily(at: { hour: number; minute: number }, nowMs: number): number {
  const now = new Date(nowMs);
  let next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), at.hour, at.minute);
  if (next <= nowMs) next += 24 * 3600_000;
  return next - nowMs;
}
