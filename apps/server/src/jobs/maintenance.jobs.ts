import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type AppConfig } from '../config/config.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { JobsService } from './jobs.service.js';
import { MaintenanceRepository } from './maintenance.repository.js';

const DAY_MS = 24 * 3600_000;
export const IDEMPOTENCY_RETENTION_DAYS = 7;
export const AGENT_EVENTS_RETENTION_DAYS = 30;
/**
 * Past the ack timeout, the instance that waited for the ack has had this long to record it. Only
 * a crashed instance leaves a session PENDING, so a generous margin costs little (the PC shows
 * PENDING a little longer) and never races a live wait.
 */
export const PENDING_GRACE_MS = 30_000;

/**
 * Housekeeping jobs (once per cluster in scaled mode):
 * - `pending-session-sweep`: PENDING sessions whose ack wait is long over (the waiting instance
 *   died) → FAILED, no charge, PC free;
 * - `nightly-prune` (08:00 UTC): idempotency records older than 7 days, agent event ids older
 *   than 30 days.
 */
@Injectable()
export class MaintenanceJobs implements OnModuleInit {
  private readonly logger = new Logger('Maintenance');

  constructor(
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(MaintenanceRepository) private readonly repo: MaintenanceRepository,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'pending-session-sweep',
      schedule: { everyMs: 10_000 },
      run: () => this.sweepPending().then(() => undefined),
    });
    this.jobs.register({
      name: 'nightly-prune',
      schedule: { dailyAtUtc: { hour: 8, minute: 0 } },
      run: () => this.prune().then(() => undefined),
    });
  }

  /** Fails stale PENDING sessions; returns how many (public for tests). */
  async sweepPending(nowMs = Date.now()): Promise<number> {
    const cutoff = new Date(nowMs - this.config.SESSION_ACK_TIMEOUT_MS - PENDING_GRACE_MS);
    let failed = 0;
    for (const id of await this.repo.stalePending(cutoff)) {
      if (await this.sessions.failStalePending(id)) failed++;
    }
    if (failed) this.logger.warn(`${failed} session(s) stuck PENDING past the ack timeout failed (no charge)`);
    return failed;
  }

  /** The nightly prune (public for tests). */
  async prune(nowMs = Date.now()): Promise<{ idempotencyKeys: number; agentEvents: number }> {
    const idempotencyKeys = await this.repo.pruneIdempotencyKeys(new Date(nowMs - IDEMPOTENCY_RETENTION_DAYS * DAY_MS));
    const agentEvents = await this.repo.pruneAgentEvents(new Date(nowMs - AGENT_EVENTS_RETENTION_DAYS * DAY_MS));
    return { idempotencyKeys, agentEvents };
  }
}
