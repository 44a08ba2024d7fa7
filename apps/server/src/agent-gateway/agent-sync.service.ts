import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type AgentEvent,
  type AgentSyncAck,
  type EventAck,
  agentEventSchema,
  agentSyncRequestSchema,
  uuidSchema,
} from '@econtrol/contracts';
import { AppError } from '../common/app-error.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AgentGateway, type AgentSocketContext } from './agent-gateway.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';
import { PcPresenceService } from './pc-presence.service.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Applies `agent.sync` batches: each event once (eventId = idempotency key, kept in agent_events),
 * in the agent's seq order. Session ends carry the agent's intervals, which the server re-prices
 * with packages/billing, so time billed offline lands in the ledger exactly as if online.
 */
/** Event types that change nothing on the server besides being recorded. */
const PASSIVE_EVENTS = new Set<AgentEvent['type']>(['heartbeat', 'session.progress', 'guard.killed', 'agent.notice']);

@Injectable()
export class AgentSyncService implements OnModuleInit {
  private readonly logger = new Logger('AgentSync');

  constructor(
    @Inject(AgentGateway) private readonly gateway: AgentGateway,
    @Inject(AgentGatewayRepository) private readonly repo: AgentGatewayRepository,
    @Inject(PcPresenceService) private readonly presence: PcPresenceService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.gateway.setSyncHandler((ctx, raw) => this.handle(ctx, raw));
  }

  async handle(ctx: AgentSocketContext, raw: unknown): Promise<AgentSyncAck> {
    // The agent takes an ack's `serverNowMs` as the server time at the midpoint of its round trip
    // (its clock anchor, which bills sessions). A heartbeat waits up to PRESENCE_FLUSH_MS for its
    // batch, so the stamp is the midpoint of the time this server held the batch: with symmetric
    // network legs that is exactly the agent's midpoint, however long the wait.
    const receivedAt = Date.now();
    const serverNow = () => Math.round((receivedAt + Date.now()) / 2);
    const request = agentSyncRequestSchema.safeParse(raw);
    if (!request.success) {
      const batchId = uuidSchema.safeParse((raw as { batchId?: unknown } | null)?.batchId);
      return { batchId: batchId.success ? batchId.data : NIL_UUID, serverNowMs: serverNow(), results: [] };
    }
    // A live heartbeat (a batch of just that) is acked once its presence batch is written. Any
    // other batch, e.g. a backlog replayed after an outage in sequential batches, is acked for its
    // events only: its sign of life rides the next presence batch (the connect already wrote one).
    const types = request.data.events.map((e) => (e as { type?: unknown } | null)?.type);
    if (types.length === 1 && types[0] === 'heartbeat') await this.presence.seen(ctx.pcId);
    else {
      this.presence.seen(ctx.pcId).catch((error: unknown) => {
        this.logger.warn(`presence of ${ctx.pcId} not written: ${(error as Error).message}`);
      });
    }
    const passive = this.passiveOnly(request.data.events);
    if (passive) return { batchId: request.data.batchId, serverNowMs: serverNow(), results: await this.recordPassive(ctx, passive) };
    // Heartbeats are never stored, so never looked up.
    const ids = request.data.events.flatMap((e, i) => {
      if (types[i] === 'heartbeat') return [];
      const id = uuidSchema.safeParse((e as { eventId?: unknown } | null)?.eventId);
      return id.success ? [id.data] : [];
    });
    const seen = await this.repo.findEvents(ctx.pcId, ids);
    // Events without side effects are recorded in one multi-row insert, flushed before any event
    // that changes state (order kept) and before the ack.
    const pending: { ack: EventAck; row: Parameters<AgentGatewayRepository['insertEvents']>[0][number] }[] = [];
    const results: EventAck[] = [];
    const flush = async (): Promise<boolean> => {
      if (!pending.length) return true;
      const batch = pending.splice(0);
      try {
        await this.repo.insertEvents(batch.map((p) => p.row));
        return true;
      } catch (error) {
        this.logger.warn(`recording ${batch.length} events from ${ctx.pcId} failed: ${(error as Error).message}`);
        for (const p of batch) Object.assign(p.ack, { ok: false, code: 'INTERNAL_ERROR', retryable: true });
        return false;
      }
    };
    for (const rawEvent of request.data.events) {
      const parsed = agentEventSchema.safeParse(rawEvent);
      if (parsed.success && seen.has(parsed.data.eventId)) {
        results.push({ eventId: parsed.data.eventId, ok: true, duplicate: true });
        continue;
      }
      if (parsed.success && PASSIVE_EVENTS.has(parsed.data.type)) {
        const ack: EventAck = { eventId: parsed.data.eventId, ok: true };
        results.push(ack);
        seen.add(parsed.data.eventId);
        if (parsed.data.type !== 'heartbeat') {
          pending.push({ ack, row: { pcId: ctx.pcId, eventId: parsed.data.eventId, type: parsed.data.type, payload: parsed.data, result: {} } });
        }
        continue;
      }
      if (!(await flush())) break;
      const ack = await this.applyOne(ctx, rawEvent);
      if (ack) results.push(ack);
      if (parsed.success) seen.add(parsed.data.eventId);
      // Keep the agent's order: after a retryable failure, later events wait for the next try.
      if (ack && !ack.ok && ack.retryable) break;
    }
    if (!(await flush())) {
      const firstFailed = results.findIndex((r) => !r.ok && r.retryable);
      if (firstFailed >= 0) results.splice(firstFailed + 1);
    }
    return { batchId: request.data.batchId, serverNowMs: serverNow(), results };
  }

  /** The batch's events when every one is valid and has no side effect (a replayed backlog, mostly). */
  private passiveOnly(events: unknown[]): AgentEvent[] | null {
    const out: AgentEvent[] = [];
    for (const raw of events) {
      const parsed = agentEventSchema.safeParse(raw);
      if (!parsed.success || !PASSIVE_EVENTS.has(parsed.data.type)) return null;
      out.push(parsed.data);
    }
    return out;
  }

  /** One statement: stored once by id; those already stored are acked as duplicates. */
  private async recordPassive(ctx: AgentSocketContext, events: AgentEvent[]): Promise<EventAck[]> {
    const stored = events.filter((e) => e.type !== 'heartbeat');
    let inserted: Set<string>;
    try {
      inserted = await this.repo.insertEvents(stored.map((e) => ({ pcId: ctx.pcId, eventId: e.eventId, type: e.type, payload: e, result: {} })));
    } catch (error) {
      this.logger.warn(`recording ${stored.length} events from ${ctx.pcId} failed: ${(error as Error).message}`);
      return events.map((e) => ({ eventId: e.eventId, ok: false, code: 'INTERNAL_ERROR', retryable: true }));
    }
    return events.map((e) => (e.type === 'heartbeat' || inserted.has(e.eventId) ? { eventId: e.eventId, ok: true } : { eventId: e.eventId, ok: true, duplicate: true }));
  }

  private async applyOne(ctx: AgentSocketContext, raw: unknown): Promise<EventAck | undefined> {
    const parsed = agentEventSchema.safeParse(raw);
    if (!parsed.success) {
      const id = uuidSchema.safeParse((raw as { eventId?: unknown } | null)?.eventId);
      if (!id.success) return undefined;
      return {
        eventId: id.data,
        ok: false,
        code: 'VALIDATION_FAILED',
        retryable: false,
        message: parsed.error.issues[0]?.message?.slice(0, 500),
      };
    }
    const event = parsed.data;
    // Heartbeats are idempotent by nature and frequent: not kept.
    if (event.type !== 'heartbeat' && (await this.repo.findEvent(ctx.pcId, event.eventId))) {
      return { eventId: event.eventId, ok: true, duplicate: true };
    }
    let result: Record<string, unknown>;
    try {
      result = await this.apply(ctx, event);
    } catch (error) {
      if (error instanceof AppError) {
        return { eventId: event.eventId, ok: false, code: error.code, retryable: false, message: error.message };
      }
      this.logger.warn(`event ${event.type} from ${ctx.pcId} failed: ${(error as Error).message}`);
      return { eventId: event.eventId, ok: false, code: 'INTERNAL_ERROR', retryable: true };
    }
    if (event.type !== 'heartbeat') {
      await this.repo.insertEvent({ pcId: ctx.pcId, eventId: event.eventId, type: event.type, payload: event, result });
    }
    return { eventId: event.eventId, ok: true };
  }

  private async apply(ctx: AgentSocketContext, event: AgentEvent): Promise<Record<string, unknown>> {
    switch (event.type) {
      case 'heartbeat':
        return {};
      case 'session.started':
        return this.onStarted(ctx, event);
      case 'session.ended':
        return this.onEnded(ctx, event);
      case 'session.paused':
      case 'session.resumed':
        await this.sessions.applyAgentPause(ctx.pcId, event.sessionId, event.type === 'session.paused', this.eventTime(event));
        return {};
      case 'session.progress':
        return {};
      case 'session.extend_requested':
        await this.notify(ctx, 'agent.extend_requested', { pcId: ctx.pcId, sessionId: event.sessionId, minutes: event.minutes });
        return {};
      case 'store.order':
        await this.notify(ctx, 'agent.store_order', {
          pcId: ctx.pcId,
          orderId: event.orderId,
          sessionId: event.sessionId,
          customerId: event.customerId,
          items: event.items,
          ...(event.note ? { note: event.note } : {}),
        });
        return {};
      case 'guard.killed':
      case 'agent.notice':
        return {};
    }
  }

  /** Estimated server time of an event, never in the future. */
  private eventTime(event: AgentEvent): number {
    return Math.min(Date.now(), event.serverMs ?? Date.now());
  }

  private async onStarted(
    ctx: AgentSocketContext,
    event: Extract<AgentEvent, { type: 'session.started' }>,
  ): Promise<Record<string, unknown>> {
    const live = await this.repo.liveSession(ctx.pcId);
    if (live?.id === event.sessionId) {
      if (live.status === 'PENDING') await this.sessions.activate(event.sessionId, Math.min(Date.now(), event.unlockedAtMs ?? Date.now()));
      return { state: 'running' };
    }
    // The server gave up on this start (PC_UNREACHABLE) or ended it, but the agent unlocked late:
    // lock it again. Its session.ended then arrives for a session that is not live: no charge (S6).
    void this.gateway
      .send(ctx.pcId, { type: 'session.end', sessionId: event.sessionId, reason: 'staff' }, 5_000)
      .catch(() => undefined);
    return { state: 'not_live', action: 'session.end sent' };
  }

  private async onEnded(
    ctx: AgentSocketContext,
    event: Extract<AgentEvent, { type: 'session.ended' }>,
  ): Promise<Record<string, unknown>> {
    const { applied, session } = await this.sessions.applyAgentEnd(ctx.pcId, event.sessionId, event.reason, event.intervals);
    if (applied || !session) return { applied, ...(session ? { totalCostMinor: session.totalCostMinor } : {}) };
    // Already ended on the server (staff ended it while the agent was unreachable, or a late
    // unlock after PC_UNREACHABLE): the server's settlement stands; a difference is shown to managers.
    if (session.status === 'COMPLETED' && session.totalCostMinor !== event.amountMinor) {
      const details = {
        pcId: ctx.pcId,
        sessionId: session.id,
        serverBilledSeconds: session.billedSeconds,
        serverCostMinor: session.totalCostMinor,
        agentBilledSeconds: event.billedSeconds,
        agentAmountMinor: event.amountMinor,
        agentReason: event.reason,
      };
      await this.audit.record({
        organizationId: ctx.organizationId,
        lanCenterId: ctx.lanCenterId,
        actor: null,
        action: 'session.agent_discrepancy',
        entityType: 'session',
        entityId: session.id,
        details,
      });
      await this.notify(ctx, 'session.agent_discrepancy', details);
    }
    return { applied: false, status: session.status };
  }

  private async notify(ctx: AgentSocketContext, type: string, payload: Record<string, unknown>): Promise<void> {
    await this.repo.insertNotification({
      organizationId: ctx.organizationId,
      lanCenterId: ctx.lanCenterId,
      audience: type.startsWith('agent.') ? 'CASHIER' : 'MANAGER',
      type,
      payload,
    });
    this.events.emit('notification.created', { organizationId: ctx.organizationId, lanCenterId: ctx.lanCenterId, type, payload });
  }
}
