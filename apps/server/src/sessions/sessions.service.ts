import { Inject, Injectable } from '@nestjs/common';
import { timeAffordable } from '@econtrol/billing';
import {
  type ActiveInterval,
  type SessionDto,
  type SessionEndReason,
  type SessionStartCommand,
  type StartSession,
  lanCenterSettingsSchema,
} from '@econtrol/contracts';
import type { z } from 'zod';
import type { endSessionSchema, settleSessionSchema } from '@econtrol/contracts';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan, orgOf } from '../common/tenancy.js';
import type { Tx } from '../db/database.js';
import { uniqueViolation } from '../db/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { TariffsRepository } from '../tariffs/tariffs.repository.js';
import { AGENT_PORT, type AgentPort } from './agent-port.js';
import { openingState } from './opening-hours.js';
import { type IntervalRow, type SessionRow, type TariffSnapshot, enginePackages, engineTariff, priceOf, snapshotOf } from './session-pricing.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { SessionsRepository } from './sessions.repository.js';

const LIVE: SessionRow['status'][] = ['ACTIVE', 'PAUSED'];

export interface EndOptions {
  /** Server instant the session stopped (defaults to now). */
  atMs?: number;
  reason: string;
  paymentMethod?: z.infer<typeof endSessionSchema>['paymentMethod'];
  lanCenterId?: string;
  /**
   * Active intervals the PC's agent measured (monotonic durations in estimated server time). When
   * given they replace the server's own intervals: the agent is authoritative for the time the
   * customer could actually use the PC (agent restarts and outages are not billed).
   */
  agentIntervals?: ActiveInterval[];
}

/** Postpaid sessions need an end the agent can enforce; without closing time this is the cap. */
const POSTPAID_MAX_SECONDS = 12 * 3600;

/** Agent intervals made safe: inside [fromMs, toMs], sorted, non-overlapping, non-empty. */
export function sanitizeIntervals(intervals: ActiveInterval[], fromMs: number, toMs: number): ActiveInterval[] {
  const sorted = intervals
    .map((i) => ({ startMs: Math.max(fromMs, i.startMs), endMs: Math.min(toMs, i.endMs), offline: i.offline }))
    .filter((i) => i.endMs > i.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const out: ActiveInterval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.startMs < last.endMs) {
      if (i.endMs > last.endMs) out.push({ ...i, startMs: last.endMs });
    } else out.push(i);
  }
  return out;
}

@Injectable()
export class SessionsService {
  constructor(
    @Inject(SessionsRepository) private readonly repo: SessionsRepository,
    @Inject(TariffsRepository) private readonly tariffs: TariffsRepository,
    @Inject(LedgerRepository) private readonly ledgerRepo: LedgerRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(AGENT_PORT) private readonly agents: AgentPort,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(LanAccess) private readonly lanAccess: LanAccess,
  ) {}

  // ── start ─────────────────────────────────────────────────────────────────

  /**
   * Creates the session. On an agent PC it stays PENDING until the agent acknowledges the unlock;
   * billing starts at that acknowledgement (S6). Without an ack in time it fails: PC_UNREACHABLE.
   */
  async start(actor: Actor, key: string, input: StartSession): Promise<SessionDto> {
    const { organizationId } = orgOf(actor);
    const stored = await this.idempotency.run<{ sessionId: string }>(organizationId, key, 'session.start', input, async (tx) => {
      const session = await this.create(tx, actor, organizationId, input);
      return { status: 201, body: { sessionId: session.id } };
    });
    let session = (await this.repo.find(organizationId, stored.body.sessionId))!;
    if (!stored.replayed) {
      this.changed(session);
      if (session.status === 'PENDING') session = await this.awaitUnlock(session);
    }
    return this.toDto(session);
  }

  private async create(tx: Tx, actor: Actor, organizationId: string, input: StartSession): Promise<SessionRow> {
    const found = await this.repo.pcWithLan(organizationId, input.pcId, tx);
    if (!found || !canReachLan(actor, found.pc.lanCenterId)) throw notFound('pc');
    const { pc, timezone } = found;
    if (pc.status === 'MAINTENANCE') throw new AppError('PC_NOT_AVAILABLE', { status: pc.status });
    if (pc.requiresAgent && !(await this.repo.hasActiveCredential(tx, pc.id))) {
      throw new AppError('PC_NOT_AVAILABLE', { reason: 'not_paired' });
    }
    const nowMs = Date.now();
    const settings = lanCenterSettingsSchema.parse(found.lanSettings ?? {});
    const opening = openingState(settings.openingHours, timezone, nowMs);
    if (!opening.open) throw new AppError('LAN_CLOSED');

    if (input.freeGrant) {
      if (actor.role !== 'MANAGER') throw new AppError('FREE_SESSION_NOT_ALLOWED');
      const endsAtMs = Date.parse(input.freeGrant.endsAt);
      if (!(endsAtMs > nowMs)) {
        throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'freeGrant.endsAt', code: 'past', message: 'End time must be in the future' }]);
      }
    }
    const tariff = await this.tariffs.current(pc.zoneId, tx);
    const snapshot = tariff ? snapshotOf(tariff, timezone) : null;
    if (!input.freeGrant && (!snapshot || (snapshot.ratePerHourMinor === 0 && !snapshot.memberRatePerHourMinor))) {
      // S8: a zero or missing rate never yields endless free time silently
      throw new AppError('TARIFF_NOT_CONFIGURED');
    }
    const customerId = input.customerId ?? null;
    let accountId: string | null = null;
    let kind: SessionRow['kind'] = input.freeGrant ? 'FREE_GRANT' : input.postpaidGuest ? 'GUEST_POSTPAID' : 'MEMBER';
    if (customerId) {
      const customer = await this.repo.customer(organizationId, customerId, tx);
      if (!customer) throw notFound('customer');
      if (customer.guest) {
        // a guest ticket: usable at its own LAN center, while open, at the guest rate
        if (customer.ticket?.lanCenterId !== pc.lanCenterId) throw notFound('customer');
        if (customer.ticket.closedAt || customer.ticket.expiresAt.getTime() <= nowMs) throw new AppError('GUEST_TICKET_CLOSED');
        if (!input.freeGrant) kind = 'GUEST_PREPAID';
        if (kind === 'GUEST_PREPAID' && snapshot!.ratePerHourMinor === 0) throw new AppError('TARIFF_NOT_CONFIGURED');
      }
      const account = await this.ledgerRepo.lockAccount(tx, organizationId, customerId);
      if (!account) throw notFound('customer');
      accountId = account.id;
      // one walk-in, one PC at a time: the ticket's money is never promised to two agents
      if (customer.guest && (await this.repo.hasLiveSession(tx, account.id))) throw new AppError('GUEST_TICKET_IN_USE');
      if (!input.freeGrant) {
        const creditLimit = await this.creditFor(tx, organizationId, kind);
        const available = account.balanceMinor - (await this.ledger.runningCost(tx, account, nowMs)) + creditLimit;
        const packages = enginePackages(await this.ledgerRepo.packagesOf(tx, organizationId, customerId), pc.zoneId);
        const seconds = timeAffordable({ tariff: engineTariff(snapshot!), member: kind === 'MEMBER', fromMs: nowMs, balanceMinor: Math.max(0, available), packages });
        const unit = snapshot!.granularity === 'minute' ? 60 : 1;
        if (seconds < unit) {
          throw new AppError('INSUFFICIENT_BALANCE', { availableMinor: available });
        }
      }
    } else if (kind === 'FREE_GRANT') {
      kind = 'FREE_GRANT';
    }
    const hardEndMs = Math.min(opening.closesAtMs ?? Infinity, input.freeGrant ? Date.parse(input.freeGrant.endsAt) : Infinity);
    const immediate = !pc.requiresAgent;
    let session: SessionRow;
    try {
      session = await this.repo.insert(tx, {
        organizationId,
        lanCenterId: pc.lanCenterId,
        pcId: pc.id,
        userId: customerId,
        accountId,
        kind,
        status: immediate ? 'ACTIVE' : 'PENDING',
        guestLabel: input.postpaidGuest?.label ?? null,
        tariffSnapshot: snapshot ?? { tariffId: null, timezone, ratePerHourMinor: 0, memberRatePerHourMinor: 0, granularity: 'second', minimumChargeMinor: 0, rules: [] },
        tariffId: tariff?.id ?? null,
        startedAt: immediate ? new Date(nowMs) : null,
        hardEndAt: Number.isFinite(hardEndMs) ? new Date(hardEndMs) : null,
        freeUntil: input.freeGrant ? new Date(input.freeGrant.endsAt) : null,
        startedBy: actor.userId,
        grantedBy: input.freeGrant ? actor.userId : null,
      });
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('PC_IN_USE'); // S1: one live session per PC
      throw error;
    }
    if (immediate) {
      await this.repo.openInterval(tx, session.id, new Date(nowMs));
      await this.repo.setPcStatus(tx, pc.id, 'OCCUPIED');
    } else {
      await this.repo.setPcStatus(tx, pc.id, 'PENDING');
    }
    if (input.freeGrant) {
      await this.audit.record(
        { organizationId, lanCenterId: pc.lanCenterId, actor, action: 'session.free_grant', entityType: 'session', entityId: session.id, details: { endsAt: input.freeGrant.endsAt, reason: input.freeGrant.reason, customerId } },
        tx,
      );
    }
    return session;
  }

  /** How far below zero the session's account may go: a guest ticket never gets credit. */
  private async creditFor(tx: Tx, organizationId: string, kind: SessionRow['kind']): Promise<number> {
    return kind === 'GUEST_PREPAID' ? 0 : this.ledgerRepo.creditLimit(tx, organizationId);
  }

  /** Sends session.start to the agent and waits for its ack (outside any transaction). */
  private async awaitUnlock(session: SessionRow): Promise<SessionRow> {
    const command = await this.startCommand(session);
    const result = await this.agents.send(session.pcId, command, this.config.SESSION_ACK_TIMEOUT_MS);
    if (result.ok) {
      return (await this.activate(session.id, result.ackedAtMs ?? Date.now())) ?? (await this.repo.findById(session.id))!;
    }
    await this.repo.transaction(async (tx) => {
      const failed = await this.repo.transition(tx, session.id, ['PENDING'], { status: 'FAILED', endReason: 'pc_unreachable', endedAt: new Date() });
      // it did not answer: show it as offline until its next heartbeat, not as free
      if (failed) await this.repo.setPcStatus(tx, session.pcId, 'OFFLINE');
    });
    const failed = (await this.repo.findById(session.id))!;
    this.changed(failed);
    if (failed.status === 'FAILED') throw new AppError('PC_UNREACHABLE', { sessionId: session.id });
    return failed;
  }

  /**
   * Pending-session sweep (jobs/maintenance.jobs.ts): a session still PENDING long after its ack
   * timeout lost the instance that was waiting for the ack (crash, SIGKILL). It fails — no charge,
   * the PC is free — and the agent is told to end it in case it did unlock. Returns whether this
   * call failed it (false: it was activated or ended meanwhile).
   */
  async failStalePending(sessionId: string): Promise<boolean> {
    const failed = await this.repo.transaction(async (tx) => {
      const row = await this.repo.transition(tx, sessionId, ['PENDING'], { status: 'FAILED', endReason: 'pc_unreachable', endedAt: new Date() });
      if (row) await this.repo.setPcStatus(tx, row.pcId, 'AVAILABLE');
      return row;
    });
    if (!failed) return false;
    this.changed(failed);
    await this.agents.send(failed.pcId, { type: 'session.end', sessionId, reason: 'staff' }, 3000).catch(() => undefined);
    return true;
  }

  /**
   * The full `session.start` for the agent: frozen tariff, the balance this session may use, the
   * customer's packages valid in this zone, and the hard end (closing time / free-grant end).
   */
  async startCommand(session: SessionRow): Promise<Omit<SessionStartCommand, 'commandId' | 'serverNowMs'>> {
    const snapshot = session.tariffSnapshot as TariffSnapshot;
    return this.repo.transaction(async (tx) => {
      const found = await this.repo.pcWithLan(session.organizationId, session.pcId, tx);
      let balanceMinor = 0;
      let packages: SessionStartCommand['packages'] = [];
      let displayName = session.guestLabel ?? 'Invitado';
      if (session.userId) {
        const customer = await this.repo.customer(session.organizationId, session.userId, tx);
        displayName = customer?.name ?? displayName;
        const account = await this.ledgerRepo.lockAccount(tx, session.organizationId, session.userId);
        if (account && session.kind !== 'FREE_GRANT') {
          const creditLimit = await this.creditFor(tx, session.organizationId, session.kind);
          const others = await this.ledger.runningCost(tx, account, Date.now(), session.id);
          balanceMinor = Math.max(0, account.balanceMinor - others + creditLimit);
          const holdings = await this.ledgerRepo.packagesOf(tx, session.organizationId, session.userId);
          packages = found ? enginePackages(holdings, found.pc.zoneId) : [];
        }
      }
      const postpaid = session.kind === 'GUEST_POSTPAID';
      const hardEnd = session.hardEndAt?.getTime();
      const limits: SessionStartCommand['limits'] = {
        ...(hardEnd !== undefined && session.kind !== 'FREE_GRANT' ? { endsAtMs: hardEnd, endReason: 'closing_time' as const } : {}),
        ...(postpaid && hardEnd === undefined ? { maxSeconds: POSTPAID_MAX_SECONDS } : {}),
      };
      const tariff = engineTariff(snapshot);
      return {
        type: 'session.start' as const,
        sessionId: session.id,
        customer: { id: session.userId, displayName: displayName.slice(0, 120), member: session.kind === 'MEMBER' },
        tariff: { ...tariff, rules: tariff.rules.map((r) => ({ ...r })) },
        balanceMinor,
        packages,
        limits,
        postpaid,
        ...(session.kind === 'FREE_GRANT' && session.freeUntil
          ? { free: { grantedBy: session.grantedBy ?? session.startedBy ?? session.id, reason: 'free grant', endsAtMs: session.freeUntil.getTime() } }
          : {}),
      };
    });
  }

  /** The agent unlocked the PC: billing starts now (S6). */
  async activate(sessionId: string, atMs: number): Promise<SessionRow | undefined> {
    const row = await this.repo.transaction(async (tx) => {
      const active = await this.repo.transition(tx, sessionId, ['PENDING'], { status: 'ACTIVE', startedAt: new Date(atMs) });
      if (!active) return undefined;
      await this.repo.openInterval(tx, sessionId, new Date(atMs), 'agent');
      await this.repo.setPcStatus(tx, active.pcId, 'OCCUPIED');
      return active;
    });
    if (row) this.changed(row);
    return row;
  }

  // ── end / settle ──────────────────────────────────────────────────────────

  async end(actor: Actor, id: string, input: z.infer<typeof endSessionSchema>): Promise<SessionDto> {
    const { organizationId } = orgOf(actor);
    const existing = await this.repo.find(organizationId, id);
    if (!existing || !canReachLan(actor, existing.lanCenterId)) throw notFound('session');
    // Agent PC: lock it first and take its measured intervals (time the agent was down is not
    // billed). Unreachable agent: the server's own intervals; the agent reports its end later.
    let agentIntervals: ActiveInterval[] | undefined;
    let agentAcked = false;
    if (LIVE.includes(existing.status)) {
      const ack = await this.agents.send(existing.pcId, { type: 'session.end', sessionId: existing.id, reason: 'staff' }, 3000).catch(() => undefined);
      agentAcked = ack?.ok === true;
      if (ack?.ok && ack.session?.sessionId === existing.id) agentIntervals = ack.session.intervals;
    }
    const lanCenterId = input.lanCenterId ?? existing.lanCenterId;
    try {
      const ended = await this.finish(
        existing.id,
        {
          reason: 'staff',
          ...(input.paymentMethod ? { paymentMethod: input.paymentMethod } : {}),
          lanCenterId,
          ...(agentIntervals ? { agentIntervals } : {}),
        },
        actor,
      );
      // An agent that missed the end is told when it reconnects (the gateway compares sessions).
      return this.toDto(ended);
    } catch (error) {
      // The agent obeyed our end and its own `session.ended` report settled the session first
      // (it can overtake the ack): this request still succeeded, with the same result.
      if (!(error instanceof AppError) || error.code !== 'SESSION_ALREADY_ENDED' || !agentAcked) throw error;
      const settled = await this.repo.find(organizationId, id);
      if (settled?.status !== 'COMPLETED') throw error;
      if (settled.kind === 'GUEST_POSTPAID' && !settled.settledAt && input.paymentMethod) {
        return this.settlePostpaid(actor, id, { paymentMethod: input.paymentMethod, lanCenterId });
      }
      return this.toDto(settled);
    }
  }

  /**
   * Ends a live session exactly once (S10: concurrent calls → one winner, the others
   * SESSION_ALREADY_ENDED) and settles it in the same transaction.
   */
  async finish(sessionId: string, options: EndOptions, actor: Actor | null): Promise<SessionRow> {
    const nowMs = Date.now();
    const row = await this.repo.transaction(async (tx) => {
      let atMs = options.atMs ?? nowMs;
      if (options.agentIntervals) {
        const current = await this.repo.findById(sessionId, tx);
        if (current && LIVE.includes(current.status) && current.startedAt) {
          const clean = sanitizeIntervals(options.agentIntervals, current.startedAt.getTime(), nowMs);
          atMs = clean.at(-1)?.endMs ?? current.startedAt.getTime();
          await this.repo.replaceIntervals(tx, sessionId, clean);
          const offlineMs = clean.filter((i) => i.offline).reduce((a, i) => a + (i.endMs - i.startMs), 0);
          await this.repo.update(tx, sessionId, { offlineSeconds: Math.floor(offlineMs / 1000), needsReconciliation: false });
        }
      }
      const pending = await this.repo.transition(tx, sessionId, ['PENDING'], { status: 'ABORTED', endedAt: new Date(atMs), endReason: options.reason, endedBy: actor?.userId ?? null });
      if (pending) {
        await this.repo.setPcStatus(tx, pending.pcId, 'AVAILABLE');
        return pending;
      }
      const ended = await this.repo.transition(tx, sessionId, LIVE, { status: 'COMPLETED', endedAt: new Date(atMs), endReason: options.reason, endedBy: actor?.userId ?? null });
      if (!ended) throw new AppError('SESSION_ALREADY_ENDED', { sessionId });
      await this.repo.closeOpenInterval(tx, sessionId, new Date(atMs));
      await this.repo.setPcStatus(tx, ended.pcId, 'AVAILABLE');
      return this.settle(tx, ended, atMs, actor, options);
    });
    this.changed(row);
    return row;
  }

  /**
   * The agent ended the session itself (time or balance out, customer, closing time, crash
   * recovery), possibly while offline: settle it with the agent's intervals, re-priced by the same
   * engine. A session the server already ended (or a replay) changes nothing.
   */
  async applyAgentEnd(pcId: string, sessionId: string, reason: SessionEndReason, intervals: ActiveInterval[]): Promise<{ applied: boolean; session: SessionRow | undefined }> {
    const existing = await this.repo.findById(sessionId);
    if (!existing || existing.pcId !== pcId) return { applied: false, session: undefined };
    if (existing.status !== 'ACTIVE' && existing.status !== 'PAUSED') return { applied: false, session: existing };
    try {
      const row = await this.finish(sessionId, { reason, agentIntervals: intervals }, null);
      return { applied: true, session: row };
    } catch (error) {
      if (error instanceof AppError && error.code === 'SESSION_ALREADY_ENDED') return { applied: false, session: await this.repo.findById(sessionId) };
      throw error;
    }
  }

  /** The agent paused (staff lock) or resumed the session on its own: mirror it at the agent's instant. */
  async applyAgentPause(pcId: string, sessionId: string, paused: boolean, atMs: number): Promise<void> {
    const row = await this.repo.transaction(async (tx) => {
      const current = await this.repo.findById(sessionId, tx);
      if (!current || current.pcId !== pcId) return undefined;
      const at = new Date(Math.min(Date.now(), Math.max(atMs, current.startedAt?.getTime() ?? atMs)));
      if (paused) {
        const moved = await this.repo.transition(tx, sessionId, ['ACTIVE'], { status: 'PAUSED' });
        if (moved) await this.repo.closeOpenInterval(tx, sessionId, at);
        return moved;
      }
      const moved = await this.repo.transition(tx, sessionId, ['PAUSED'], { status: 'ACTIVE' });
      if (moved) await this.repo.openInterval(tx, sessionId, at, 'agent');
      return moved;
    });
    if (row) this.changed(row);
  }

  /**
   * Settlement: one SESSION_PAYMENT ledger row with the engine's price. Packages are used first.
   * If the balance cannot cover it (only possible after offline overrun), the row takes what is
   * available and the rest is recorded as uncollected, never below the credit limit.
   */
  private async settle(tx: Tx, session: SessionRow, atMs: number, actor: Actor | null, options: EndOptions): Promise<SessionRow> {
    const intervals = await this.repo.intervals(tx, session.id);
    const pc = await this.repo.pcWithLan(session.organizationId, session.pcId, tx);
    const holdings = session.userId && session.kind !== 'FREE_GRANT' ? await this.ledgerRepo.packagesOf(tx, session.organizationId, session.userId, true) : [];
    const packages = pc ? enginePackages(holdings, pc.pc.zoneId) : [];
    const quote = priceOf(session, intervals, atMs, packages);
    const base = { billedSeconds: quote.billedSeconds, totalCostMinor: quote.amountMinor, packageUsage: quote.packageSeconds };

    if (session.kind === 'FREE_GRANT' || quote.amountMinor === 0 && quote.packageSeconds.length === 0 && session.kind === 'GUEST_POSTPAID') {
      await this.repo.update(tx, session.id, { ...base, settledAt: new Date() });
      return { ...session, ...base, settledAt: new Date() };
    }
    for (const used of quote.packageSeconds) await this.repo.consumePackage(tx, used.packageId, used.seconds);

    if (session.kind === 'GUEST_POSTPAID') {
      if (!options.paymentMethod || !actor) {
        await this.repo.update(tx, session.id, base);
        return { ...session, ...base };
      }
      await this.takeCounterPayment(tx, session, quote.amountMinor, options.paymentMethod, actor, options.lanCenterId ?? session.lanCenterId);
      const values = { ...base, chargedMinor: quote.amountMinor, settledAt: new Date() };
      await this.repo.update(tx, session.id, values);
      return { ...session, ...values };
    }

    const account = (await this.ledgerRepo.lockAccount(tx, session.organizationId, session.userId!))!;
    const creditLimit = await this.creditFor(tx, session.organizationId, session.kind);
    const otherRunning = await this.ledger.runningCost(tx, account, atMs, session.id);
    const coverable = Math.max(0, account.balanceMinor - otherRunning + creditLimit);
    const charge = Math.min(quote.amountMinor, coverable);
    const uncollected = quote.amountMinor - charge;
    await this.ledger.post(tx, {
      organizationId: session.organizationId,
      lanCenterId: session.lanCenterId,
      userId: session.userId!,
      sessionId: session.id,
      type: 'SESSION_PAYMENT',
      paymentMethod: 'BALANCE',
      amountMinor: -charge,
      tenderedMinor: 0,
      actorId: actor?.userId ?? null,
      reason: `${quote.billedSeconds}s`,
    });
    const values = { ...base, chargedMinor: charge, uncollectedMinor: uncollected, settledAt: new Date() };
    await this.repo.update(tx, session.id, values);
    if (uncollected > 0) {
      await this.audit.record(
        { organizationId: session.organizationId, lanCenterId: session.lanCenterId, actor, action: 'session.uncollected', entityType: 'session', entityId: session.id, details: { costMinor: quote.amountMinor, chargedMinor: charge, uncollectedMinor: uncollected } },
        tx,
      );
    }
    return { ...session, ...values };
  }

  private async takeCounterPayment(tx: Tx, session: SessionRow, amount: number, method: NonNullable<EndOptions['paymentMethod']>, actor: Actor, lanCenterId: string): Promise<void> {
    const shift = await this.ledgerRepo.openShift(tx, session.organizationId, actor.userId, lanCenterId);
    if (!shift) throw new AppError('SHIFT_NOT_OPEN');
    await this.ledgerRepo.insertTransaction(tx, {
      organizationId: session.organizationId,
      lanCenterId,
      sessionId: session.id,
      type: 'SESSION_PAYMENT',
      paymentMethod: method,
      amountMinor: 0,
      tenderedMinor: amount,
      shiftId: shift.id,
      actorId: actor.userId,
      reason: 'postpaid guest',
    });
  }

  /** A postpaid guest pays at the counter after the PC ended the session. */
  async settlePostpaid(actor: Actor, id: string, input: z.infer<typeof settleSessionSchema>): Promise<SessionDto> {
    const { organizationId } = orgOf(actor);
    await this.lanAccess.assert(actor, input.lanCenterId);
    const row = await this.repo.transaction(async (tx) => {
      const session = await this.repo.find(organizationId, id, tx);
      if (!session || !canReachLan(actor, session.lanCenterId)) throw notFound('session');
      if (session.kind !== 'GUEST_POSTPAID' || session.status !== 'COMPLETED') throw new AppError('SESSION_NOT_ACTIVE');
      const claimed = await this.repo.claimSettlement(tx, id, session.totalCostMinor);
      if (!claimed || session.settledAt) throw new AppError('CONFLICT', { reason: 'already settled' });
      await this.takeCounterPayment(tx, session, session.totalCostMinor, input.paymentMethod, actor, input.lanCenterId);
      return claimed;
    });
    return this.toDto(row);
  }

  // ── pause / resume ────────────────────────────────────────────────────────

  async pause(actor: Actor, id: string): Promise<SessionDto> {
    const session = await this.reachable(actor, id);
    const row = await this.repo.transaction(async (tx) => {
      const paused = await this.repo.transition(tx, session.id, ['ACTIVE'], { status: 'PAUSED' });
      if (!paused) throw new AppError('SESSION_NOT_ACTIVE');
      await this.repo.closeOpenInterval(tx, session.id, new Date());
      return paused;
    });
    this.changed(row);
    await this.agents.send(row.pcId, { type: 'session.pause', sessionId: row.id }, 3000).catch(() => undefined);
    return this.toDto(row);
  }

  async resume(actor: Actor, id: string): Promise<SessionDto> {
    const session = await this.reachable(actor, id);
    const row = await this.repo.transaction(async (tx) => {
      const resumed = await this.repo.transition(tx, session.id, ['PAUSED'], { status: 'ACTIVE' });
      if (!resumed) throw new AppError('SESSION_NOT_ACTIVE');
      await this.repo.openInterval(tx, session.id, new Date());
      return resumed;
    });
    this.changed(row);
    await this.agents.send(row.pcId, { type: 'session.resume', sessionId: row.id }, 3000).catch(() => undefined);
    return this.toDto(row);
  }

  // ── reads ─────────────────────────────────────────────────────────────────

  private async reachable(actor: Actor, id: string): Promise<SessionRow> {
    const session = await this.repo.find(orgOf(actor).organizationId, id);
    if (!session || !canReachLan(actor, session.lanCenterId)) throw notFound('session');
    return session;
  }

  async get(actor: Actor, id: string): Promise<SessionDto> {
    return this.toDto(await this.reachable(actor, id));
  }

  async list(actor: Actor, lanCenterId: string, status: SessionRow['status'] | undefined, limit: number): Promise<SessionDto[]> {
    await this.lanAccess.assert(actor, lanCenterId);
    const rows = await this.repo.list(orgOf(actor).organizationId, lanCenterId, status, limit);
    const names = await this.repo.customerNames(rows.flatMap((r) => (r.userId ? [r.userId] : [])));
    return Promise.all(rows.map((r) => this.toDto(r, names)));
  }

  /** Live cost for running sessions; final figures for ended ones. */
  async toDto(row: SessionRow, names?: Map<string, string>): Promise<SessionDto> {
    const live = LIVE.includes(row.status);
    let cost = row.totalCostMinor;
    let billed = row.billedSeconds;
    if (live) {
      const intervals: IntervalRow[] = await this.repo.intervalsOf(row.id);
      const quote = priceOf(row, intervals, Date.now());
      cost = quote.amountMinor;
      billed = quote.billedSeconds;
    }
    const snapshot = row.tariffSnapshot as TariffSnapshot;
    const customerName = row.userId ? ((names ?? (await this.repo.customerNames([row.userId]))).get(row.userId) ?? null) : row.guestLabel;
    return {
      id: row.id,
      pcId: row.pcId,
      lanCenterId: row.lanCenterId,
      customerId: row.userId,
      customerName,
      kind: row.kind,
      status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
      hardEndAt: row.hardEndAt?.toISOString() ?? null,
      freeUntil: row.freeUntil?.toISOString() ?? null,
      billedSeconds: billed,
      costMinor: cost,
      chargedMinor: row.chargedMinor,
      uncollectedMinor: row.uncollectedMinor,
      endReason: row.endReason,
      settled: row.settledAt !== null,
      tariff: { ratePerHourMinor: snapshot.ratePerHourMinor, granularity: snapshot.granularity, minimumChargeMinor: snapshot.minimumChargeMinor },
    };
  }

  private changed(row: SessionRow): void {
    this.events.emit('session.changed', { organizationId: row.organizationId, lanCenterId: row.lanCenterId, pcId: row.pcId, sessionId: row.id, status: row.status });
    this.events.emit('pc.updated', { organizationId: row.organizationId, lanCenterId: row.lanCenterId, pcId: row.pcId });
  }
}
