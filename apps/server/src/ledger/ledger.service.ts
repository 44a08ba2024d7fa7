import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type {
  TransactionDto,
  adjustmentSchema,
  chargeSchema,
  ledgerQuerySchema,
  rechargeSchema,
  refundSchema,
} from '@econtrol/contracts';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { Db, Tx } from '../db/database.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { IdempotencyService, requestHashOf, type Stored } from '../idempotency/idempotency.service.js';
import { uniqueViolation } from '../db/errors.js';
import { priceOf } from '../sessions/session-pricing.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { LedgerRepository, type AccountRow, type NewTransaction, type QuickMove, type TransactionRow } from './ledger.repository.js';

export interface MoneyResult {
  transaction: TransactionDto;
  balanceMinor: number;
  availableMinor: number;
}

export const toTransaction = (row: TransactionRow): TransactionDto => ({
  id: row.id,
  type: row.type,
  paymentMethod: row.paymentMethod,
  amountMinor: row.amountMinor,
  tenderedMinor: row.tenderedMinor,
  balanceBeforeMinor: row.balanceBeforeMinor,
  balanceAfterMinor: row.balanceAfterMinor,
  customerId: row.userId,
  lanCenterId: row.lanCenterId,
  sessionId: row.sessionId,
  shiftId: row.shiftId,
  refundOfId: row.refundOfId,
  actorId: row.actorId,
  reason: row.reason,
  reference: row.reference,
  createdAt: row.createdAt.toISOString(),
});

const magnitude = (row: Pick<TransactionRow, 'amountMinor' | 'tenderedMinor'>) =>
  Math.max(Math.abs(row.amountMinor), Math.abs(row.tenderedMinor));

/**
 * The ledger: every balance change is one `transactions` row written in the same database
 * transaction as the balance update, under the account's row lock (spends) or a conditional update.
 */
@Injectable()
export class LedgerService {
  constructor(
    @Inject(LedgerRepository) private readonly repo: LedgerRepository,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(LanAccess) private readonly lanAccess: LanAccess,
  ) {}

  /** Cost of the sessions this account is running right now (not yet settled). */
  async runningCost(tx: Tx | Db, account: Pick<AccountRow, 'id'>, nowMs = Date.now(), exceptSessionId?: string): Promise<number> {
    const running = await this.repo.runningSessions(tx, account.id);
    return running
      .filter((r) => r.session.id !== exceptSessionId)
      .reduce((sum, r) => sum + priceOf(r.session, r.intervals, nowMs).amountMinor, 0);
  }

  private async requireCustomerAccount(tx: Tx, organizationId: string, customerId: string, lock: boolean): Promise<AccountRow> {
    const account = lock
      ? await this.repo.lockAccount(tx, organizationId, customerId)
      : (await this.repo.findAccount(organizationId, customerId));
    if (!account) throw notFound('customer');
    return account;
  }

  private async shiftFor(tx: Tx, actor: Actor, lanCenterId: string): Promise<string> {
    const shift = await this.repo.openShift(tx, orgOf(actor).organizationId, actor.userId, lanCenterId);
    if (!shift) throw new AppError('SHIFT_NOT_OPEN');
    return shift.id;
  }

  private checkLan(actor: Actor, lanCenterId: string): Promise<void> {
    return this.lanAccess.assert(actor, lanCenterId);
  }

  /**
   * Moves `amountMinor` on the customer's balance. Spends (amount < 0) lock the account and may not
   * use money that running sessions already consumed nor go below −creditLimit.
   */
  async post(tx: Tx, entry: NewTransaction & { userId: string; organizationId: string }): Promise<{ row: TransactionRow; balance: number; available: number }> {
    const amount = entry.amountMinor;
    let accountId: string;
    let balance: number;
    let creditLimit: number;
    let running: number | null = null;
    if (amount >= 0) {
      // money in: nothing can fall below the floor, so one conditional update (it takes the row lock)
      const credited = await this.repo.credit(tx, entry.organizationId, entry.userId, amount);
      if (!credited) throw notFound('customer');
      ({ id: accountId, balance, creditLimit } = credited);
    } else {
      // money out: under the account's row lock, never using what running sessions consumed
      const locked = await this.repo.lockForSpend(tx, entry.organizationId, entry.userId);
      if (!locked) throw notFound('customer');
      const { account } = locked;
      accountId = account.id;
      creditLimit = locked.creditLimit;
      const idle = await this.repo.spendIfIdle(tx, account.id, amount, -creditLimit);
      if (idle !== null) {
        balance = idle;
        running = 0;
      } else {
        running = await this.runningCost(tx, account);
        if (account.balanceMinor - running + amount < -creditLimit) {
          throw new AppError('INSUFFICIENT_BALANCE', { availableMinor: account.balanceMinor - running + creditLimit, requiredMinor: -amount });
        }
        const updated = await this.repo.applyDelta(tx, account.id, amount, -creditLimit);
        if (updated === null) throw new AppError('INSUFFICIENT_BALANCE');
        balance = updated;
      }
    }
    const { row, live } = await this.repo.insertTransactionLive(tx, { ...entry, accountId, balanceBeforeMinor: balance - amount, balanceAfterMinor: balance });
    if (running === null) running = live ? await this.runningCost(tx, { id: accountId }) : 0;
    return { row, balance, available: balance - running + creditLimit };
  }

  private emitBalance(organizationId: string, userId: string, balanceMinor: number) {
    this.events.emit('balance.changed', { organizationId, userId, balanceMinor });
  }

  private async moneyMove(
    actor: Actor,
    key: string,
    scope: string,
    request: unknown,
    work: (tx: Tx, organizationId: string) => Promise<{ row: TransactionRow; balance: number; available: number }>,
  ): Promise<Stored<MoneyResult>> {
    const { organizationId } = orgOf(actor);
    const result = await this.idempotency.run<MoneyResult>(organizationId, key, scope, request, async (tx) => {
      const { row, balance, available } = await work(tx, organizationId);
      return { status: 201, body: { transaction: toTransaction(row), balanceMinor: balance, availableMinor: available } };
    });
    if (!result.replayed && result.body.transaction.customerId) {
      this.emitBalance(organizationId, result.body.transaction.customerId, result.body.balanceMinor);
    }
    return result;
  }

  /**
   * The common case in one statement (see LedgerRepository.quickMove); null → the careful path,
   * which also gives every refusal its precise error and replays a key already used.
   */
  private async quickMove(actor: Actor, key: string, scope: string, request: unknown, move: Omit<QuickMove, 'organizationId' | 'actorId' | 'key' | 'scope' | 'requestHash'>): Promise<Stored<MoneyResult> | null> {
    const { organizationId } = orgOf(actor);
    let body: Record<string, unknown> | null;
    try {
      body = await this.repo.quickMove({ ...move, organizationId, actorId: actor.userId, key, scope, requestHash: requestHashOf(scope, request) });
    } catch (error) {
      if (uniqueViolation(error)) return null; // the same key committed meanwhile: replayed by the careful path
      throw error;
    }
    if (!body) return null;
    const result = body as unknown as MoneyResult;
    this.emitBalance(organizationId, move.userId, result.balanceMinor);
    return { status: 201, body: result, replayed: false };
  }

  async recharge(actor: Actor, customerId: string, key: string, input: z.infer<typeof rechargeSchema>): Promise<Stored<MoneyResult>> {
    await this.checkLan(actor, input.lanCenterId);
    const quick = await this.quickMove(actor, key, `recharge:${customerId}`, input, {
      lanCenterId: input.lanCenterId,
      userId: customerId,
      type: 'RECHARGE',
      paymentMethod: input.paymentMethod,
      amountMinor: input.amountMinor,
      tenderedMinor: input.amountMinor,
      reason: null,
      reference: input.reference ?? null,
      withShift: true,
    });
    if (quick) return quick;
    return this.moneyMove(actor, key, `recharge:${customerId}`, input, async (tx, organizationId) => {
      const shiftId = await this.shiftFor(tx, actor, input.lanCenterId);
      return this.post(tx, {
        organizationId,
        lanCenterId: input.lanCenterId,
        userId: customerId,
        type: 'RECHARGE',
        paymentMethod: input.paymentMethod,
        amountMinor: input.amountMinor,
        tenderedMinor: input.amountMinor,
        shiftId,
        actorId: actor.userId,
        reference: input.reference ?? null,
        idempotencyKey: key,
      });
    });
  }

  async charge(actor: Actor, customerId: string, key: string, input: z.infer<typeof chargeSchema>): Promise<Stored<MoneyResult>> {
    await this.checkLan(actor, input.lanCenterId);
    const quick = await this.quickMove(actor, key, `charge:${customerId}`, input, {
      lanCenterId: input.lanCenterId,
      userId: customerId,
      type: input.type,
      paymentMethod: 'BALANCE',
      amountMinor: -input.amountMinor,
      tenderedMinor: 0,
      reason: input.reason,
      reference: null,
      withShift: false,
    });
    if (quick) return quick;
    return this.moneyMove(actor, key, `charge:${customerId}`, input, (tx, organizationId) =>
      this.post(tx, {
        organizationId,
        lanCenterId: input.lanCenterId,
        userId: customerId,
        type: input.type,
        paymentMethod: 'BALANCE',
        amountMinor: -input.amountMinor,
        tenderedMinor: 0,
        actorId: actor.userId,
        reason: input.reason,
        idempotencyKey: key,
      }),
    );
  }

  async adjust(actor: Actor, customerId: string, key: string, input: z.infer<typeof adjustmentSchema>): Promise<Stored<MoneyResult>> {
    if (input.lanCenterId) await this.checkLan(actor, input.lanCenterId);
    return this.moneyMove(actor, key, `adjust:${customerId}`, input, async (tx, organizationId) => {
      const result = await this.post(tx, {
        organizationId,
        lanCenterId: input.lanCenterId ?? null,
        userId: customerId,
        type: 'ADJUSTMENT',
        paymentMethod: 'BALANCE',
        amountMinor: input.amountMinor,
        tenderedMinor: 0,
        actorId: actor.userId,
        reason: input.reason,
        idempotencyKey: key,
      });
      await this.audit.record(
        { organizationId, lanCenterId: input.lanCenterId ?? null, actor, action: 'ledger.adjustment', entityType: 'transaction', entityId: result.row.id, details: { customerId, amountMinor: input.amountMinor, reason: input.reason } },
        tx,
      );
      return result;
    });
  }

  /** Refunds never exceed what they refund (Σ refunds ≤ original), checked under the original's lock. */
  async refund(actor: Actor, transactionId: string, key: string, input: z.infer<typeof refundSchema>): Promise<Stored<MoneyResult>> {
    await this.checkLan(actor, input.lanCenterId);
    return this.moneyMove(actor, key, `refund:${transactionId}`, input, async (tx, organizationId) => {
      const original = await this.repo.findTransaction(organizationId, transactionId, tx);
      if (!original) throw notFound('transaction');
      if (!['RECHARGE', 'SESSION_PAYMENT', 'STORE_PURCHASE', 'PENALTY'].includes(original.type)) {
        throw new AppError('BAD_REQUEST', { reason: `${original.type} cannot be refunded` });
      }
      // serialize refunds of the same original through the customer's account lock (or the row itself)
      if (original.userId) await this.repo.lockAccount(tx, organizationId, original.userId);
      const already = await this.repo.refundedSoFar(tx, original.id);
      if (already + input.amountMinor > magnitude(original)) {
        throw new AppError('REFUND_EXCEEDS_ORIGINAL', { originalMinor: magnitude(original), refundedMinor: already });
      }
      const base = {
        organizationId,
        lanCenterId: input.lanCenterId,
        type: 'REFUND' as const,
        refundOfId: original.id,
        actorId: actor.userId,
        reason: input.reason,
        idempotencyKey: key,
      };
      let result: { row: TransactionRow; balance: number; available: number };
      if (original.type === 'RECHARGE') {
        // the customer gets the money back at the counter: balance −x, cash −x
        const shiftId = await this.shiftFor(tx, actor, input.lanCenterId);
        result = await this.post(tx, { ...base, userId: original.userId!, paymentMethod: original.paymentMethod, amountMinor: -input.amountMinor, tenderedMinor: -input.amountMinor, shiftId });
      } else if (original.paymentMethod === 'BALANCE' && original.userId) {
        result = await this.post(tx, { ...base, userId: original.userId, paymentMethod: 'BALANCE', amountMinor: input.amountMinor, tenderedMinor: 0 });
      } else {
        const shiftId = await this.shiftFor(tx, actor, input.lanCenterId);
        const row = await this.repo.insertTransaction(tx, { ...base, userId: original.userId, paymentMethod: original.paymentMethod, amountMinor: 0, tenderedMinor: -input.amountMinor, shiftId });
        result = { row, balance: 0, available: 0 };
      }
      await this.audit.record(
        { organizationId, lanCenterId: input.lanCenterId, actor, action: 'ledger.refund', entityType: 'transaction', entityId: result.row.id, details: { refundOf: original.id, amountMinor: input.amountMinor, reason: input.reason } },
        tx,
      );
      return result;
    });
  }

  async account(actor: Actor, customerId: string, db: Db) {
    const { organizationId } = orgOf(actor);
    const account = await this.repo.findAccount(organizationId, customerId);
    if (!account) throw notFound('customer');
    const creditLimit = await this.repo.creditLimitOf(db as unknown as Tx, organizationId, customerId);
    const running = await this.runningCost(db, account);
    const packages = await this.repo.packagesOf(db, organizationId, customerId);
    return {
      customerId,
      balanceMinor: account.balanceMinor,
      runningCostMinor: running,
      availableMinor: account.balanceMinor - running + creditLimit,
      creditLimitMinor: creditLimit,
      packages: packages.map(({ holding, pkg }) => ({ id: holding.id, name: pkg.name, secondsRemaining: holding.secondsRemaining, expiresAt: holding.expiresAt?.toISOString() ?? null })),
    };
  }

  async list(actor: Actor, query: z.infer<typeof ledgerQuerySchema>): Promise<{ items: TransactionDto[]; nextCursor: string | null }> {
    const { organizationId } = orgOf(actor);
    if (query.lanCenterId) await this.checkLan(actor, query.lanCenterId);
    const rows = await this.repo.list({
      organizationId,
      ...(actor.role === 'MANAGER' ? {} : { lanCenterIds: actor.lanCenterIds }),
      ...(query.customerId ? { customerId: query.customerId } : {}),
      ...(query.lanCenterId ? { lanCenterId: query.lanCenterId } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.shiftId ? { shiftId: query.shiftId } : {}),
      ...(query.sessionId ? { sessionId: query.sessionId } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      after: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(toTransaction), nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }
}
