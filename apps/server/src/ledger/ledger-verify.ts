import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { accounts, sessionIntervals, sessions, transactions } from '../db/schema.js';
import { priceOf } from '../sessions/session-pricing.js';

export interface Mismatch {
  kind: 'balance' | 'session_cost' | 'session_payment';
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
 * Recomputes every balance from its ledger rows and every settled session's cost from the engine.
 * Runs in pages so it works on large ledgers.
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
