import { Inject, Injectable } from '@nestjs/common';
import { timeAffordable } from '@econtrol/billing';
import {
  type GuestTicket,
  type GuestTicketClosed,
  type GuestTicketSale,
  type closeGuestTicketSchema,
  type guestTicketListQuerySchema,
  guestCodeLength,
  type sellGuestTicketSchema,
} from '@econtrol/contracts';
import type { z } from 'zod';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { newShortCode, normalizeShortCode } from '../common/short-code.js';
import { canReachLan, orgOf } from '../common/tenancy.js';
import { DB, type Db, type Tx } from '../db/database.js';
import { AuditService } from '../audit/audit.service.js';
import { sha256 } from '../auth/token.service.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import { EventBus } from '../events/event-bus.js';
import { IdempotencyService, type Stored } from '../idempotency/idempotency.service.js';
import { KV, type KeyValueStore } from '../kv/kv.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { LedgerRepository, type TransactionRow } from '../ledger/ledger.repository.js';
import { LedgerService, toTransaction } from '../ledger/ledger.service.js';
import { engineTariff, snapshotOf } from '../sessions/session-pricing.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { GuestTicketsRepository, type GuestTicketView } from './guest-tickets.repository.js';

/** A replay of the sale (lost answer, retried) still shows the code for this long. */
const CODE_REPLAY_S = 600;
const replayCodeKey = (organizationId: string, key: string) => `guest-ticket-code:${organizationId}:${key}`;
const failuresKey = (pcId: string) => `guest-code-failures:${pcId}`;

type ZoneTariffs = Awaited<ReturnType<GuestTicketsRepository['zoneTariffs']>>;

/** Where a code is typed: a PC's lock screen. */
export interface CodePlace {
  organizationId: string;
  lanCenterId: string;
  pcId: string;
}

/**
 * Guest tickets: sold at the counter (RECHARGE into the cashier's shift on a guest account), used
 * with a code at the lock screen (sessions at the guest rate), closed with the rest refunded.
 */
@Injectable()
export class GuestTicketsService {
  constructor(
    @Inject(GuestTicketsRepository) private readonly repo: GuestTicketsRepository,
    @Inject(CustomersRepository) private readonly customers: CustomersRepository,
    @Inject(LedgerRepository) private readonly ledgerRepo: LedgerRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(LanAccess) private readonly lanAccess: LanAccess,
    @Inject(KV) private readonly kv: KeyValueStore,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(DB) private readonly db: Db,
  ) {}

  async sell(actor: Actor, key: string, input: z.output<typeof sellGuestTicketSchema>): Promise<Stored<GuestTicketSale>> {
    const { organizationId } = orgOf(actor);
    await this.lanAccess.assert(actor, input.lanCenterId);
    let code = null as string | null;
    const stored = await this.idempotency.run<Omit<GuestTicketSale, 'code'>>(organizationId, key, 'guest-ticket.sell', input, async (tx) => {
      const shift = await this.ledgerRepo.openShift(tx, organizationId, actor.userId, input.lanCenterId);
      if (!shift) throw new AppError('SHIFT_NOT_OPEN');
      let drawn = newShortCode();
      while (await this.repo.codeTaken(tx, organizationId, sha256(normalizeShortCode(drawn)))) drawn = newShortCode();
      code = drawn;
      const codeHint = drawn.slice(-2);
      const userId = await this.customers.insert(tx, { organizationId, role: 'CLIENT', guest: true, name: `Invitado ··${codeHint}` });
      const { row } = await this.ledger.post(tx, {
        organizationId,
        lanCenterId: input.lanCenterId,
        userId,
        type: 'RECHARGE',
        paymentMethod: input.paymentMethod,
        amountMinor: input.amountMinor,
        tenderedMinor: input.amountMinor,
        shiftId: shift.id,
        actorId: actor.userId,
        reason: 'Ticket de invitado',
        reference: input.reference ?? null,
        idempotencyKey: key,
      });
      const ticket = await this.repo.insert(tx, {
        organizationId,
        lanCenterId: input.lanCenterId,
        userId,
        codeHash: sha256(normalizeShortCode(drawn)),
        codeHint,
        saleTransactionId: row.id,
        expiresAt: new Date(Date.now() + input.validForHours * 3_600_000),
        createdBy: actor.userId,
      });
      await this.audit.record(
        { organizationId, lanCenterId: input.lanCenterId, actor, action: 'guest_ticket.sold', entityType: 'guest_ticket', entityId: ticket.id, details: { amountMinor: input.amountMinor, paymentMethod: input.paymentMethod, transactionId: row.id } },
        tx,
      );
      return { status: 201, body: { ticket: await this.toDto((await this.repo.find(organizationId, ticket.id, tx))!, tx), transaction: toTransaction(row) } };
    });
    const { ticket } = stored.body;
    if (!stored.replayed) {
      await this.kv.set(replayCodeKey(organizationId, key), code!, CODE_REPLAY_S).catch(() => undefined);
      this.events.emit('balance.changed', { organizationId, userId: ticket.customerId, balanceMinor: ticket.balanceMinor });
      return { ...stored, body: { ...stored.body, code } };
    }
    return { ...stored, body: { ...stored.body, code: await this.kv.get(replayCodeKey(organizationId, key)).catch(() => null) } };
  }

  async list(actor: Actor, lanCenterId: string, query: z.output<typeof guestTicketListQuerySchema>): Promise<{ items: GuestTicket[]; nextCursor: string | null }> {
    const { organizationId } = orgOf(actor);
    await this.lanAccess.assert(actor, lanCenterId);
    const rows = await this.repo.list({ organizationId, lanCenterId, status: query.status, after: decodeCursor(query.cursor), limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const zones = await this.repo.zoneTariffs(lanCenterId);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((row) => this.toDto(row, undefined, zones))),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.ticket.createdAt, last.ticket.id) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<GuestTicket> {
    return this.toDto(await this.reachable(actor, id));
  }

  /** Closes the ticket: what is left goes back at the counter (a REFUND of the sale, in the shift). */
  async close(actor: Actor, id: string, key: string, input: z.output<typeof closeGuestTicketSchema>): Promise<Stored<GuestTicketClosed>> {
    const { organizationId } = orgOf(actor);
    const { ticket: existing } = await this.reachable(actor, id);
    const { lanCenterId } = existing;
    const stored = await this.idempotency.run<GuestTicketClosed>(organizationId, key, `guest-ticket.close:${id}`, input, async (tx) => {
      const ticket = (await this.repo.lock(tx, organizationId, id))!;
      if (ticket.closedAt) throw new AppError('GUEST_TICKET_CLOSED');
      const account = await this.ledgerRepo.lockAccount(tx, organizationId, ticket.userId);
      if (!account) throw notFound('guest_ticket');
      if (await this.sessions.hasLiveSession(tx, account.id)) throw new AppError('GUEST_TICKET_IN_USE');
      const refundMinor = Math.max(0, account.balanceMinor);
      const refunds: TransactionRow[] = [];
      if (refundMinor > 0) {
        const shift = await this.ledgerRepo.openShift(tx, organizationId, actor.userId, lanCenterId);
        if (!shift) throw new AppError('SHIFT_NOT_OPEN');
        // what is left is given back against the counter payments (sale, top-ups), newest first,
        // each never beyond what it took
        let left = refundMinor;
        for (const paid of await this.repo.rechargesOf(tx, account.id)) {
          const part = Math.min(left, paid.amountMinor - (await this.ledgerRepo.refundedSoFar(tx, paid.id)));
          if (part <= 0) continue;
          const { row } = await this.ledger.post(tx, {
            organizationId,
            lanCenterId,
            userId: ticket.userId,
            type: 'REFUND',
            refundOfId: paid.id,
            paymentMethod: input.refundMethod,
            amountMinor: -part,
            tenderedMinor: -part,
            shiftId: shift.id,
            actorId: actor.userId,
            reason: input.reason ?? 'Cierre de ticket de invitado',
            idempotencyKey: key,
          });
          refunds.push(row);
          left -= part;
          if (left === 0) break;
        }
        // money that never came through the counter (e.g. a manager's adjustment) is not paid out
        if (left > 0) throw new AppError('REFUND_EXCEEDS_ORIGINAL', { originalMinor: refundMinor - left, refundedMinor: 0, balanceMinor: refundMinor });
      }
      await this.repo.close(tx, id, actor.userId, new Date());
      await this.audit.record(
        { organizationId, lanCenterId, actor, action: 'guest_ticket.closed', entityType: 'guest_ticket', entityId: id, details: { refundedMinor: refundMinor, refundMethod: input.refundMethod, transactionIds: refunds.map((r) => r.id), reason: input.reason ?? null } },
        tx,
      );
      const body = { ticket: await this.toDto((await this.repo.find(organizationId, id, tx))!, tx), refundedMinor: refundMinor, transactions: refunds.map(toTransaction) };
      return { status: 200, body };
    });
    if (!stored.replayed) {
      this.events.emit('balance.changed', { organizationId, userId: existing.userId, balanceMinor: stored.body.ticket.balanceMinor });
    }
    return stored;
  }

  /**
   * The lock screen's guest code → the ticket's account. Wrong, expired, closed or another LAN
   * center's code: INVALID_CREDENTIALS, counted per PC; after LOGIN_MAX_FAILURES the PC is refused
   * (even a right code) until LOGIN_LOCK_S after the first failure.
   */
  async redeem(place: CodePlace, code: string): Promise<{ id: string; name: string }> {
    const failures = failuresKey(place.pcId);
    const max = this.config.LOGIN_MAX_FAILURES;
    if (Number((await this.kv.get(failures)) ?? 0) >= max) throw new AppError('RATE_LIMITED', { retryAfterSeconds: this.config.LOGIN_LOCK_S });
    const normalized = normalizeShortCode(code);
    const found = normalized.length === guestCodeLength ? await this.repo.findByCode(place.organizationId, sha256(normalized)) : undefined;
    const ticket = found?.ticket;
    if (!found || !ticket || ticket.lanCenterId !== place.lanCenterId || ticket.closedAt || ticket.expiresAt.getTime() <= Date.now()) {
      const count = await this.kv.incr(failures, this.config.LOGIN_LOCK_S);
      throw new AppError(count >= max ? 'RATE_LIMITED' : 'INVALID_CREDENTIALS', count >= max ? { retryAfterSeconds: this.config.LOGIN_LOCK_S } : undefined);
    }
    await this.kv.del(failures);
    return { id: ticket.userId, name: found.name };
  }

  private async reachable(actor: Actor, id: string): Promise<GuestTicketView> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row || !canReachLan(actor, row.ticket.lanCenterId)) throw notFound('guest_ticket');
    return row;
  }

  private async toDto(row: GuestTicketView, tx?: Tx, zones?: ZoneTariffs): Promise<GuestTicket> {
    const { ticket } = row;
    const nowMs = Date.now();
    const running = row.liveSessions > 0 ? await this.ledger.runningCost(tx ?? this.db, { id: row.accountId }, nowMs) : 0;
    const available = row.balanceMinor - running;
    const status = ticket.closedAt ? 'CLOSED' : row.liveSessions > 0 ? 'IN_USE' : ticket.expiresAt.getTime() <= nowMs ? 'EXPIRED' : 'OPEN';
    const rated = status === 'CLOSED' ? [] : (zones ?? (await this.repo.zoneTariffs(ticket.lanCenterId, tx))).filter((z) => z.tariff.ratePerHourMinor > 0);
    return {
      id: ticket.id,
      customerId: ticket.userId,
      lanCenterId: ticket.lanCenterId,
      name: row.name,
      codeHint: ticket.codeHint,
      status,
      soldMinor: row.soldMinor,
      paymentMethod: row.paymentMethod,
      balanceMinor: row.balanceMinor,
      availableMinor: available,
      timeByZone: rated.map(({ zone, tariff, timezone }) => ({
        zoneId: zone.id,
        zoneName: zone.name,
        ratePerHourMinor: tariff.ratePerHourMinor,
        seconds: available > 0 ? timeAffordable({ tariff: engineTariff(snapshotOf(tariff, timezone)), member: false, fromMs: nowMs, balanceMinor: available }) : 0,
      })),
      expiresAt: ticket.expiresAt.toISOString(),
      closedAt: ticket.closedAt?.toISOString() ?? null,
      createdAt: ticket.createdAt.toISOString(),
      createdBy: ticket.createdBy,
    };
  }
}
