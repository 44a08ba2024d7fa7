import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';

/**
 * PC presence: every sign of life from an agent (connect, any synced event) refreshes the PC's
 * last-seen; a watchdog marks PCs silent for PC_OFFLINE_AFTER_S as OFFLINE and, when a session was
 * running, flags it for reconciliation, notifies managers and writes an audit entry (S16). The
 * next sign of life brings the PC back (audited); the agent's journal then reconciles the session.
 * The watchdog is the `pc-offline-watchdog` job: once per cluster in scaled mode (BullMQ).
 */
@Injectable()
export class PcPresenceService implements OnModuleInit {
  private sweeping = false;
  private readonly logger = new Logger('PcPresence');

  constructor(
    @Inject(AgentGatewayRepository) private readonly repo: AgentGatewayRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const everyMs = Math.min(5_000, Math.max(250, (this.config.PC_OFFLINE_AFTER_S * 1000) / 4));
    this.jobs.register({ name: 'pc-offline-watchdog', schedule: { everyMs }, run: () => this.sweep() });
  }

  /** The agent of `pcId` is alive now. */
  async seen(pcId: string, info: { agentVersion?: string; protocolVersion?: number } = {}): Promise<void> {
    const now = new Date();
    const result = await this.repo.transaction(async (tx) => {
      const pc = await this.repo.lockPc(tx, pcId);
      if (!pc || pc.retiredAt) return undefined;
      const live = await this.repo.liveSession(pcId, tx);
      const status =
        pc.status === 'OFFLINE' ? (live ? (live.status === 'PENDING' ? 'PENDING' : 'OCCUPIED') : 'AVAILABLE') : pc.status;
      await this.repo.updatePc(tx, pcId, { lastHeartbeatAt: now, offlineFlaggedAt: null, status, ...info });
      if (pc.offlineFlaggedAt) {
        await this.audit.record(
          {
            organizationId: pc.organizationId,
            lanCenterId: pc.lanCenterId,
            actor: null,
            action: 'pc.back_online',
            entityType: 'pc',
            entityId: pc.id,
            details: {
              offlineSince: pc.offlineFlaggedAt.toISOString(),
              lastHeartbeatAt: pc.lastHeartbeatAt?.toISOString() ?? null,
              sessionId: live?.id ?? null,
            },
          },
          tx,
        );
      }
      return { pc, changed: status !== pc.status || pc.offlineFlaggedAt !== null };
    });
    if (result?.changed) {
      this.events.emit('pc.updated', { organizationId: result.pc.organizationId, lanCenterId: result.pc.lanCenterId, pcId });
    }
  }

  /** One watchdog pass (public for tests). */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = new Date();
      const cutoff = new Date(now.getTime() - this.config.PC_OFFLINE_AFTER_S * 1000);
      for (const { id } of await this.repo.silentSince(cutoff)) await this.flag(id, cutoff, now);
    } catch (error) {
      this.logger.warn(`offline sweep failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async flag(pcId: string, cutoff: Date, now: Date): Promise<void> {
    const flagged = await this.repo.transaction(async (tx) => {
      const pc = await this.repo.flagOffline(tx, pcId, cutoff, now);
      if (!pc) return undefined;
      const live = await this.repo.liveSession(pcId, tx);
      const session = live && live.status !== 'PENDING' ? live : undefined;
      if (session) {
        const payload = {
          pcId,
          pcName: pc.name,
          sessionId: session.id,
          lastHeartbeatAt: pc.lastHeartbeatAt?.toISOString() ?? null,
          silentSeconds: this.config.PC_OFFLINE_AFTER_S,
        };
        await this.repo.markNeedsReconciliation(tx, session.id);
        await this.repo.insertNotification(
          { organizationId: pc.organizationId, lanCenterId: pc.lanCenterId, audience: 'MANAGER', type: 'pc.offline', payload },
          tx,
        );
        await this.audit.record(
          {
            organizationId: pc.organizationId,
            lanCenterId: pc.lanCenterId,
            actor: null,
            action: 'pc.offline',
            entityType: 'pc',
            entityId: pcId,
            details: payload,
          },
          tx,
        );
        return { pc, payload };
      }
      return { pc, payload: null };
    });
    if (!flagged) return;
    const { pc, payload } = flagged;
    this.events.emit('pc.updated', { organizationId: pc.organizationId, lanCenterId: pc.lanCenterId, pcId });
    if (payload) {
      this.events.emit('notification.created', { organizationId: pc.organizationId, lanCenterId: pc.lanCenterId, type: 'pc.offline', payload });
    }
  }
}
