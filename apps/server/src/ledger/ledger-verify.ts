import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/database.js';
import { accounts, sessionIntervals, sessions, transactions } from '../db/schema.js';
import { priceOf } from '../sessions/session-pricing.js';

export interface Mismatch {
  kind: 'balance' | 'session_cost' | 'session_payment' | 'reference' | 'live_sessions';
  id: string;
  expected: number;
  actual: number;
  detail?: string;
}

export interface VerifyReport {
  accounts: number;
  sessions: number;
  transactions: number;
  mismatches: Mismatch[];
}

/**
 * Recomputes every balance from its ledger rows and every settled session's cost from the engine,
 * checks every ledger row's references (some carry no foreign key, see the schema) and each
 * account's live-session counter. Runs in pages so it works on large ledgers.
 */
export async function verifyLedger(db: Db, organizationId?: string): Promise<VerifyReport> {
  const mismatches: Mismatch[] = [];
  const orgFilter = organizationId ? eq(accounts.organizationId, organizationId) : undefined;
  const balances = await db
    .select({
      id: accounts.id,
      balance: accounts.balanceMinor,
      sum: sql<number>`coalesce(sum(${transactions.amountMinor}), 0)`.mapWith(Number),
    })
    .from(accounts)
    .leftJoin(transactions, eq(transactions.accountId, accounts.id))
    .where(orgFilter)
    .groupBy(accounts.id, accounts.balanceMinor);
  for (const row of balances) {
    if (row.balance !== row.sum) mismatches.push({ kind: 'balance', id: row.id, expected: row.sum, actual: row.balance });
  }
  const counters = rowsOf<{ id: string; counted: number; live: number }>(await db.execute(sql`
    select a.id, a.live_sessions as counted, (select count(*) from sessions s where s.account_id = a.id and s.status in ('ACTIVE', 'PAUSED'))::int as live
    from accounts a
    where (${organizationId ?? null}::uuid is null or a.organization_id = ${organizationId ?? null}::uuid)
      and a.live_sessions <> (select count(*) from sessions s where s.account_id = a.id and s.status in ('ACTIVE', 'PAUSED'))`));
  for (const row of counters) {
    mismatches.push({ kind: 'live_sessions', id: row.id, expected: Number(row.live), actual: Number(row.counted) });
  }
  const dangling = rowsOf<{ id: string; problem: string }>(await db.execute(sql`
    select t.id, case
      when o.id is null then 'organization'
      when t.account_id is not null and a.organization_id <> t.organization_id then 'account'
      when t.lan_center_id is not null and (l.id is null or l.organization_id <> t.organization_id) then 'lan_center'
      when t.shift_id is not null and (sh.id is null or sh.organization_id <> t.organization_id) then 'shift'
      when t.actor_id is not null and u.id is null then 'actor' end as problem
    from transactions t
    left join organizations o on o.id = t.organization_id
    left join accounts a on a.id = t.account_id
    left join lan_centers l on l.id = t.lan_center_id
    left join cashier_shifts sh on sh.id = t.shift_id
    left join users u on u.id = t.actor_id
    where (${organizationId ?? null}::uuid is null or t.organization_id = ${organizationId ?? null}::uuid)
      and (o.id is null or (t.account_id is not null and a.organization_id <> t.organization_id)
        or (t.lan_center_id is not null and (l.id is null or l.organization_id <> t.organization_id))
        or (t.shift_id is not null and (sh.id is null or sh.organization_id <> t.organization_id))
        or (t.actor_id is not null and u.id is null))`));
  for (const row of dangling) {
    mismatches.push({ kind: 'reference', id: row.id, expected: 1, actual: 0, detail: `${row.problem} does not resolve (or belongs to another organization)` });
  }
  const [{ count: txCount } = { count: 0 }] = await db
    .select({ count: sql<number>`count(*)`.mapWith(Number) })
    .from(transactions)
    .where(organizationId ? eq(transactions.organizationId, organizationId) : undefined);

  let checked = 0;
  const settled = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.status, 'COMPLETED'), isNotNull(sessions.settledAt), organizationId ? eq(sessions.organizationId, organizationId) : undefined));
  for (let i = 0; i < settled.length; i += 500) {
    const page = settled.slice(i, i + 500);
    const ids = page.map((s) => s.id);
    const intervals = await db.select().from(sessionIntervals).where(inArray(sessionIntervals.sessionId, ids));
    const payments = await db
      .select({ sessionId: transactions.sessionId, amount: transactions.amountMinor, tendered: transactions.tenderedMinor })
      .from(transactions)
      .where(and(inArray(transactions.sessionId, ids), eq(transactions.type, 'SESSION_PAYMENT')));
    for (const session of page) {
      checked++;
      const usage = session.packageUsage as { packageId: string; seconds: number }[];
      const own = intervals.filter((iv) => iv.sessionId === session.id);
      const quote = priceOf(session, own, session.endedAt!.getTime(), usage.map((u) => ({ id: u.packageId, secondsRemaining: u.seconds })));
      if (quote.amountMinor !== session.totalCostMinor) {
        mismatches.push({ kind: 'session_cost', id: session.id, expected: quote.amountMinor, actual: session.totalCostMinor });
      }
      if (session.chargedMinor + session.uncollectedMinor !== session.totalCostMinor) {
        mismatches.push({ kind: 'session_cost', id: session.id, expected: session.totalCostMinor, actual: session.chargedMinor + session.uncollectedMinor, detail: 'charged + uncollected ≠ cost' });
      }
      if (session.kind === 'FREE_GRANT') continue;
      const paid = payments.filter((p) => p.sessionId === session.id).reduce((sum, p) => sum + (p.tendered !== 0 ? p.tendered : -p.amount), 0);
      if (paid !== session.chargedMinor) {
        mismatches.push({ kind: 'session_payment', id: session.id, expected: session.chargedMinor, actual: paid });
      }
    }
  }
  return { accounts: balances.length, sessions: checked, transactions: txCount, mismatches };
}
