import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, getTableColumns, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { DB, executePrepared, type Db, type Tx } from '../db/database.js';
import { accounts, cashierShifts, customerPackages, organizations, sessionIntervals, sessions, timePackages, transactions, users } from '../db/schema.js';

export type TransactionRow = typeof transactions.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type NewTransaction = typeof transactions.$inferInsert;

export interface QuickMove {
  organizationId: string;
  lanCenterId: string;
  userId: string;
  actorId: string;
  type: TransactionRow['type'];
  paymentMethod: TransactionRow['paymentMethod'];
  /** Signed: > 0 credits the balance, < 0 spends it. */
  amountMinor: number;
  tenderedMinor: number;
  reason: string | null;
  reference: string | null;
  /** The actor's open shift is required and recorded (counter money). */
  withShift: boolean;
  key: string;
  scope: string;
  requestHash: string;
}

export interface LedgerFilter {
  organizationId: string;
  lanCenterIds?: string[];
  customerId?: string;
  lanCenterId?: string;
  type?: TransactionRow['type'];
  shiftId?: string;
  sessionId?: string;
  from?: Date;
  to?: Date;
  after?: { at: Date; id: string } | null;
  limit: number;
}

/** A session is consuming the account (ACTIVE or PAUSED); served by sessions(account_id, status). */
const liveSessionExists = sql`exists (select 1 from sessions s where s.account_id = "accounts"."id" and s.status in ('ACTIVE', 'PAUSED'))`;

/** The account's credit limit: the organization's, but none for a guest ticket's account. */
const accountCreditLimit = sql<number>`(select case when u.is_guest then 0 else o.credit_limit_minor end
  from organizations o join users u on u.id = ${accounts.userId} where o.id = ${accounts.organizationId})`.mapWith(Number);

@Injectable()
export class LedgerRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async creditLimit(tx: Tx, organizationId: string): Promise<number> {
    const [row] = await tx.select({ limit: organizations.creditLimitMinor }).from(organizations).where(eq(organizations.id, organizationId));
    return row?.limit ?? 0;
  }

  async creditLimitOf(tx: Tx, organizationId: string, userId: string): Promise<number> {
    const [row] = await tx
      .select({ limit: accountCreditLimit })
      .from(accounts)
      .where(and(eq(accounts.organizationId, organizationId), eq(accounts.userId, userId)));
    return row?.limit ?? 0;
  }

  /** Locks the customer's account row for the rest of the transaction. */
  async lockAccount(tx: Tx, organizationId: string, userId: string): Promise<AccountRow | undefined> {
    const [row] = await tx
      .select()
      .from(accounts)
      .where(and(eq(accounts.organizationId, organizationId), eq(accounts.userId, userId)))
      .for('update');
    return row;
  }

  async findAccount(organizationId: string, userId: string): Promise<AccountRow | undefined> {
    const [row] = await this.db.select().from(accounts).where(and(eq(accounts.organizationId, organizationId), eq(accounts.userId, userId)));
    return row;
  }

  /**
   * Locks the account for a spend and reads its credit limit in the same round trip.
   * (Whether a session is live is read by a later statement: one evaluated while this one waited
   * for the lock would not see a session that the lock holder just started.)
   */
  async lockForSpend(tx: Tx, organizationId: string, userId: string): Promise<{ account: AccountRow; creditLimit: number } | undefined> {
    const [row] = await tx
      .select({ account: accounts, creditLimit: accountCreditLimit })
      .from(accounts)
      .where(and(eq(accounts.organizationId, organizationId), eq(accounts.userId, userId)))
      .for('update', { of: accounts });
    return row;
  }

  /**
   * Adds a non-negative amount with one conditional update (no separate lock: the update takes the
   * row lock and returns the balance it produced) and reads the credit limit in the same round trip.
   * Undefined when the customer has no account in this organization.
   */
  async credit(tx: Tx, organizationId: string, userId: string, delta: number): Promise<{ id: string; balance: number; creditLimit: number } | undefined> {
    if (delta < 0) throw new Error('credit() takes non-negative amounts only');
    const [row] = await tx
      .update(accounts)
      .set({ balanceMinor: sql`${accounts.balanceMinor} + ${delta}`, updatedAt: sql`now()` })
      .where(and(eq(accounts.organizationId, organizationId), eq(accounts.userId, userId)))
      .returning({
        id: accounts.id,
        balance: accounts.balanceMinor,
        creditLimit: accountCreditLimit,
      });
    return row;
  }

  /**
   * The common spend, under the lock `lockForSpend` took: applies `delta` (< 0) only if no session
   * is consuming the account and the result stays ≥ floor. Null → take the careful path.
   */
  async spendIfIdle(tx: Tx, accountId: string, delta: number, floor: number): Promise<number | null> {
    const rows = await tx
      .update(accounts)
      .set({ balanceMinor: sql`${accounts.balanceMinor} + ${delta}`, updatedAt: sql`now()` })
      .where(and(eq(accounts.id, accountId), sql`${accounts.balanceMinor} + ${delta} >= ${floor}`, sql`not ${liveSessionExists}`))
      .returning({ balance: accounts.balanceMinor });
    return rows[0]?.balance ?? null;
  }

  /** Conditional update: applies `delta` only if the result stays ≥ floor. Returns the new balance or null. */
  async applyDelta(tx: Tx, accountId: string, delta: number, floor: number): Promise<number | null> {
    const rows = await tx
      .update(accounts)
      .set({ balanceMinor: sql`${accounts.balanceMinor} + ${delta}`, updatedAt: sql`now()` })
      .where(and(eq(accounts.id, accountId), sql`${accounts.balanceMinor} + ${delta} >= ${floor}`))
      .returning({ balance: accounts.balanceMinor });
    return rows[0]?.balance ?? null;
  }

  /**
   * The common money move in ONE statement (no explicit transaction): takes the account's row lock
   * through its update, writes the ledger row and stores the response under the Idempotency-Key.
   * Applies only to an idle account (no live session: `live_sessions` is on the locked row, so a
   * session started while this waited is seen), a fresh key, a floor that holds and, when asked,
   * the actor's open shift. Anything else returns null and moves nothing: the caller takes the
   * careful path. A concurrent duplicate key fails the whole statement with a unique violation.
   */
  async quickMove(move: QuickMove): Promise<Record<string, unknown> | null> {
    const { organizationId: org, key } = move;
    const shift = move.withShift
      ? sql`select id from cashier_shifts where organization_id = ${org}::uuid and cashier_id = ${move.actorId}::uuid and lan_center_id = ${move.lanCenterId}::uuid and status = 'OPEN'`
      : sql`select null::uuid as id`;
    const [row] = await executePrepared<{ body: Record<string, unknown> }>(this.db, 'ledger_quick_move', sql`
      with acct as (
        select a.id, case when u.is_guest then 0 else o.credit_limit_minor end as credit_limit
        from accounts a join organizations o on o.id = a.organization_id join users u on u.id = a.user_id
        where a.organization_id = ${org}::uuid and a.user_id = ${move.userId}::uuid
          and not exists (select 1 from idempotency_keys k where k.organization_id = ${org}::uuid and k.key = ${key})
      ), shift as (${shift}
      ), moved as (
        update accounts a set balance_minor = a.balance_minor + ${move.amountMinor}::bigint, updated_at = now()
        from acct, shift
        where a.id = acct.id and a.live_sessions = 0
          and (${move.amountMinor}::bigint >= 0 or a.balance_minor + ${move.amountMinor}::bigint >= -acct.credit_limit)
        returning a.id, a.balance_minor, acct.credit_limit, shift.id as shift_id
      ), entry as (
        insert into transactions (organization_id, lan_center_id, account_id, user_id, shift_id, type, payment_method,
          amount_minor, tendered_minor, balance_before_minor, balance_after_minor, actor_id, reason, reference, idempotency_key)
        select ${org}::uuid, ${move.lanCenterId}::uuid, moved.id, ${move.userId}::uuid, moved.shift_id, ${move.type}::transaction_type,
          ${move.paymentMethod}::payment_method, ${move.amountMinor}::bigint, ${move.tenderedMinor}::bigint,
          moved.balance_minor - ${move.amountMinor}::bigint, moved.balance_minor, ${move.actorId}::uuid, ${move.reason}::text, ${move.reference}::text, ${key}::text
        from moved
        returning *
      ), response as (
        select jsonb_build_object(
          'transaction', jsonb_build_object(
            'id', entry.id, 'type', entry.type, 'paymentMethod', entry.payment_method, 'amountMinor', entry.amount_minor,
            'tenderedMinor', entry.tendered_minor, 'balanceBeforeMinor', entry.balance_before_minor,
            'balanceAfterMinor', entry.balance_after_minor, 'customerId', entry.user_id, 'lanCenterId', entry.lan_center_id,
            'sessionId', entry.session_id, 'shiftId', entry.shift_id, 'refundOfId', entry.refund_of_id, 'actorId', entry.actor_id,
            'reason', entry.reason, 'reference', entry.reference,
            'createdAt', to_char(entry.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
          'balanceMinor', moved.balance_minor,
          'availableMinor', moved.balance_minor + moved.credit_limit) as body
        from entry, moved
      ), stored as (
        insert into idempotency_keys (organization_id, key, scope, request_hash, response_status, response_body, completed_at)
        select ${org}::uuid, ${key}::text, ${move.scope}::text, ${move.requestHash}::text, 201, response.body, now() from response
      )
      select body from response`);
    return row?.body ?? null;
  }

  async insertTransaction(tx: Tx, values: NewTransaction): Promise<TransactionRow> {
    const [row] = await tx.insert(transactions).values(values).returning();
    return row!;
  }

  /** Inserts a ledger row and says, from a statement run after the account lock, whether a session is live. */
  async insertTransactionLive(tx: Tx, values: NewTransaction & { accountId: string }): Promise<{ row: TransactionRow; live: boolean }> {
    const { live, ...row } = (await tx
      .insert(transactions)
      .values(values)
      .returning({ ...getTableColumns(transactions), live: sql<boolean>`exists (select 1 from sessions s where s.account_id = ${values.accountId} and s.status in ('ACTIVE', 'PAUSED'))`.mapWith(Boolean) }))[0]!;
    return { row, live };
  }

  async findTransaction(organizationId: string, id: string, tx?: Tx): Promise<TransactionRow | undefined> {
    const [row] = await (tx ?? this.db)
      .select()
      .from(transactions)
      .where(and(eq(transactions.organizationId, organizationId), eq(transactions.id, id)));
    return row;
  }

  async refundedSoFar(tx: Tx, transactionId: string): Promise<number> {
    const [row] = await tx
      .select({ total: sql<number>`coalesce(sum(greatest(abs(${transactions.amountMinor}), abs(${transactions.tenderedMinor}))), 0)`.mapWith(Number) })
      .from(transactions)
      .where(eq(transactions.refundOfId, transactionId));
    return row?.total ?? 0;
  }

  async openShift(tx: Tx, organizationId: string, cashierId: string, lanCenterId: string) {
    const [row] = await tx
      .select()
      .from(cashierShifts)
      .where(and(eq(cashierShifts.organizationId, organizationId), eq(cashierShifts.cashierId, cashierId), eq(cashierShifts.lanCenterId, lanCenterId), eq(cashierShifts.status, 'OPEN')));
    return row;
  }

  /** Sessions currently consuming this account, with their active intervals. */
  async runningSessions(tx: Tx | Db, accountId: string) {
    const rows = await tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.accountId, accountId), inArray(sessions.status, ['ACTIVE', 'PAUSED'])));
    if (!rows.length) return [];
    const intervals = await tx
      .select()
      .from(sessionIntervals)
      .where(inArray(sessionIntervals.sessionId, rows.map((r) => r.id)));
    return rows.map((s) => ({ session: s, intervals: intervals.filter((i) => i.sessionId === s.id) }));
  }

  async packagesOf(tx: Tx | Db, organizationId: string, userId: string, lock = false) {
    const query = tx
      .select({ holding: customerPackages, pkg: timePackages })
      .from(customerPackages)
      .innerJoin(timePackages, eq(timePackages.id, customerPackages.packageId))
      .where(and(eq(customerPackages.organizationId, organizationId), eq(customerPackages.userId, userId), sql`${customerPackages.secondsRemaining} > 0`))
      .orderBy(customerPackages.createdAt);
    return lock ? query.for('update', { of: customerPackages }) : query;
  }

  async list(filter: LedgerFilter): Promise<TransactionRow[]> {
    return this.db
      .select()
      .from(transactions)
      .where(
        and(
          eq(transactions.organizationId, filter.organizationId),
          filter.lanCenterIds ? or(inArray(transactions.lanCenterId, filter.lanCenterIds.length ? filter.lanCenterIds : ['00000000-0000-0000-0000-000000000000']), isNull(transactions.lanCenterId)) : undefined,
          filter.customerId ? eq(transactions.userId, filter.customerId) : undefined,
          filter.lanCenterId ? eq(transactions.lanCenterId, filter.lanCenterId) : undefined,
          filter.type ? eq(transactions.type, filter.type) : undefined,
          filter.shiftId ? eq(transactions.shiftId, filter.shiftId) : undefined,
          filter.sessionId ? eq(transactions.sessionId, filter.sessionId) : undefined,
          filter.from ? gte(transactions.createdAt, filter.from) : undefined,
          filter.to ? lte(transactions.createdAt, filter.to) : undefined,
          filter.after ? or(lt(transactions.createdAt, filter.after.at), and(eq(transactions.createdAt, filter.after.at), lt(transactions.id, filter.after.id))) : undefined,
        ),
      )
      .orderBy(desc(transactions.createdAt), desc(transactions.id))
      .limit(filter.limit);
  }

  async customerExists(organizationId: string, userId: string): Promise<boolean> {
    const rows = await this.db.select({ id: users.id }).from(users).where(and(eq(users.organizationId, organizationId), eq(users.id, userId), eq(users.role, 'CLIENT')));
    return rows.length > 0;
  }
}
