import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AgentGatewayRepository, type PcPresenceUpdate } from './agent-gateway.repository.js';

/** A batch of signs of life is written at most this long after its first one… */
export const PRESENCE_FLUSH_MS = 200;
/** …or as soon as it holds this many PCs. */
export const PRESENCE_FLUSH_MAX = 500;
/** Batches being written at once (more wait: the database is the limit then, not the window). */
const MAX_FLUSHES_IN_FLIGHT = 2;

export interface SeenInfo {
  agentVersion?: string;
  protocolVersion?: number;
}

interface PendingSeen {
  pcId: string;
  info: SeenInfo;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * PC presence: every sign of life from an agent (connect, any synced event) refreshes the PC's
 * last-seen; a watchdog marks PCs silent for PC_OFFLINE_AFTER_S as OFFLINE and, when a session was
 * running, flags it for reconciliation, notifies managers and writes an audit entry (S16). The
 * next sign of life brings the PC back (audited); the agent's journal then reconciles the session.
 * The watchdog is the `pc-offline-watchdog` job: once per cluster in scaled mode (BullMQ).
 *
 * Signs of life are batched (group commit): up to PRESENCE_FLUSH_MAX PCs, written
 * PRESENCE_FLUSH_MS after the first one at the latest, with one UPDATE for the PCs already online
 * and one transaction for the rare ones coming back. `seen` resolves only once its batch
 * committed, so an ack sent after it never gets ahead of the database; nothing depends on the
 * in-memory queue (a crash loses unacked heartbeats, which the agents resend).
 */
@Injectable()
export class PcPresenceService implements OnModuleInit, OnModuleDestroy {
  private sweeping = false;
  private readonly logger = new Logger('PcPresence');
  private pending = new Map<string, PendingSeen>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  /** An `immediate` sign of life waits for the batch being written. */
  private urgent = false;
  private readonly flushes = new Set<Promise<void>>();
  private closing = false;

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

  /** Writes what is queued before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    while (this.pending.size || this.flushes.size) {
      this.flush();
      await Promise.allSettled([...this.flushes]);
    }
  }

  /**
   * The agent of `pcId` is alive now; resolves once that is committed. `immediate` skips the
   * batching window (a sync carrying state changes must not wait for it).
   */
  seen(pcId: string, info: SeenInfo = {}, options: { immediate?: boolean } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = this.pending.get(pcId) ?? { pcId, info: {}, waiters: [] };
      entry.info = { ...entry.info, ...info };
      entry.waiters.push({ resolve, reject });
      this.pending.set(pcId, entry);
      // `immediate` while a batch is being written: goes with the next one, right after it (a
      // reconnect storm then writes a few big batches, not one per agent).
      if (this.closing || this.pending.size >= PRESENCE_FLUSH_MAX || (options.immediate && this.inFlight === 0)) this.flush();
      else if (options.immediate) this.urgent = true;
      else this.timer ??= setTimeout(() => this.flush(), PRESENCE_FLUSH_MS);
    });
  }

  /** Starts writing the queue (at most PRESENCE_FLUSH_MAX PCs per transaction). */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.urgent = false;
    while (this.pending.size && this.inFlight < MAX_FLUSHES_IN_FLIGHT) {
      const batch: PendingSeen[] = [];
      for (const entry of this.pending.values()) {
        batch.push(entry);
        this.pending.delete(entry.pcId);
        if (batch.length >= PRESENCE_FLUSH_MAX) break;
      }
      this.inFlight++;
      const done = this.write(batch).finally(() => {
        this.inFlight--;
        this.flushes.delete(done);
        // What queued meanwhile goes now if it waited long enough or is a full batch.
        if (this.pending.size && (this.timer === null || this.urgent || this.pending.size >= PRESENCE_FLUSH_MAX)) this.flush();
      });
      this.flushes.add(done);
    }
    if (this.pending.size && !this.timer && this.inFlight < MAX_FLUSHES_IN_FLIGHT) {
      this.timer = setTimeout(() => this.flush(), PRESENCE_FLUSH_MS);
    }
  }

  private async write(batch: PendingSeen[]): Promise<void> {
    try {
      const changed = await this.writeOnce(batch).catch(async (error: unknown) => {
        // A deadlock or a dropped connection: once more (the statements are idempotent).
        this.logger.warn(`presence batch of ${batch.length} failed, retrying: ${(error as Error).message}`);
        return this.writeOnce(batch);
      });
      for (const pc of changed) this.events.emit('pc.updated', pc);
      for (const entry of batch) for (const w of entry.waiters) w.resolve();
    } catch (error) {
      this.logger.warn(`presence batch of ${batch.length} failed: ${(error as Error).message}`);
      for (const entry of batch) for (const w of entry.waiters) w.reject(error);
    }
  }

  /** Writes the batch; returns the PCs whose status or offline flag changed. */
  private async writeOnce(batch: PendingSeen[]) {
    const now = new Date();
    // Nearly every sign of life is from a PC already online: one UPDATE per kind of info.
    const groups = new Map<string, { info: SeenInfo; ids: string[] }>();
    for (const e of batch) {
      const key = `${e.info.agentVersion ?? ''}|${e.info.protocolVersion ?? ''}`;
      const group = groups.get(key) ?? { info: e.info, ids: [] };
      group.ids.push(e.pcId);
      groups.set(key, group);
    }
    const touched = new Set<string>();
    for (const { info, ids } of groups.values()) {
      for (const id of await this.repo.touchOnline(ids.sort(), info, now)) touched.add(id);
    }
    const rest = batch.filter((e) => !touched.has(e.pcId));
    return rest.length ? this.comeBack(rest, now) : [];
  }

  /** PCs OFFLINE or flagged (or unknown): one transaction, rows locked; audited when flagged. */
  private comeBack(batch: PendingSeen[], now: Date) {
    return this.repo.transaction(async (tx) => {
      const info = new Map(batch.map((e) => [e.pcId, e.info]));
      // Locked in id order, so concurrent batches (other instances, the watchdog) cannot deadlock.
      const pcs = await this.repo.lockPcs(tx, [...info.keys()]);
      const offline = pcs.filter((pc) => pc.status === 'OFFLINE').map((pc) => pc.id);
      const live = await this.repo.liveSessions(offline, tx);
      const updates: PcPresenceUpdate[] = pcs.map((pc) => {
        const session = live.get(pc.id);
        const status =
          pc.status === 'OFFLINE' ? (session ? (session.status === 'PENDING' ? 'PENDING' : 'OCCUPIED') : 'AVAILABLE') : pc.status;
        return { pcId: pc.id, status, ...info.get(pc.id) };
      });
      await this.repo.recordPresence(tx, updates, now);
      // The rare slow path: a PC back from OFFLINE is audited, once (its row is locked).
      for (const pc of pcs) {
        if (!pc.offlineFlaggedAt) continue;
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
              sessionId: live.get(pc.id)?.id ?? null,
            },
          },
          tx,
        );
      }
      const statusOf = new Map(updates.map((u) => [u.pcId, u.status]));
      return pcs
        .filter((pc) => statusOf.get(pc.id) !== pc.status || pc.offlineFlaggedAt !== null)
        .map((pc) => ({ organizationId: pc.organizationId, lanCenterId: pc.lanCenterId, pcId: pc.id }));
    });
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
