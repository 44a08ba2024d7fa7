import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DB, type Db } from '../db/database.js';
import { timeAffordable } from '@econtrol/billing';
import { accounts, deviceCredentials, organizations, pairingCodes, pcs, sessionIntervals, sessions, users } from '../db/schema.js';
import { type IntervalRow, type TariffSnapshot, engineTariff, priceOf } from '../sessions/session-pricing.js';

export type PcRow = typeof pcs.$inferSelect & {
  enrolled: boolean;
  session: {
    id: string;
    status: string;
    customerName: string | null;
    startedAt: Date | null;
    needsReconciliation: boolean;
    kind: (typeof sessions.$inferSelect)['kind'];
    costMinor: number;
    accruedMinor: number;
    costAt: Date;
    ratePerHourMinor: number;
    minimumChargeMinor: number;
    hardEndAt: Date | null;
  } | null;
};

/** Live price of a running session for the floor tile (same engine as the sessions API). */
/**
 * When a balance-paid session runs out of money at the current rates (the agent enforces the same
 * limit): now + what the live balance still buys, never after its hard end. Null when unbounded.
 */
function balanceEnd(session: typeof sessions.$inferSelect, intervals: IntervalRow[], availableMinor: number | undefined, nowMs: number): Date | null {
  const hard = session.hardEndAt;
  if (availableMinor === undefined || session.status !== 'ACTIVE' || (session.kind !== 'MEMBER' && session.kind !== 'GUEST_PREPAID')) return hard;
  const used = intervals.map((i) => ({ startMs: i.startedAt.getTime(), endMs: Math.max(i.startedAt.getTime(), Math.min(nowMs, i.endedAt?.getTime() ?? nowMs)) })).filter((i) => i.endMs > i.startMs);
  const seconds = timeAffordable({
    tariff: engineTariff(session.tariffSnapshot as TariffSnapshot),
    member: session.kind === 'MEMBER',
    fromMs: nowMs,
    balanceMinor: Math.max(0, availableMinor),
    alreadyUsedIntervals: used,
  });
  const end = new Date(nowMs + seconds * 1000);
  return hard && hard < end ? hard : end;
}

function livePrice(session: typeof sessions.$inferSelect, intervals: IntervalRow[], nowMs: number) {
  const quote = priceOf(session, intervals, nowMs);
  const open = session.status === 'ACTIVE' && intervals.some((i) => i.endedAt === null);
  // The rate in force right now: price one second from now with the same snapshot.
  const probe = { ...intervals[0]!, startedAt: new Date(nowMs), endedAt: new Date(nowMs + 1_000) };
  const last = open ? priceOf(session, [probe], nowMs).segments.at(-1) : undefined;
  return {
    costMinor: quote.amountMinor,
    accruedMinor: Math.round(quote.exactAmount.numerator / quote.exactAmount.denominator),
    ratePerHourMinor: open && last && last.packageId === null ? last.ratePerHourMinor : 0,
    minimumChargeMinor: session.kind === 'FREE_GRANT' ? 0 : (session.tariffSnapshot as TariffSnapshot).minimumChargeMinor,
  };
}

@Injectable()
export class PcsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  private async decorate(rows: (typeof pcs.$inferSelect)[]): Promise<PcRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const live = await this.db
      .select({
        session: sessions,
        customerName: sql<string | null>`coalesce(${users.name}, ${sessions.guestLabel})`,
      })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(and(inArray(sessions.pcId, ids), inArray(sessions.status, ['PENDING', 'ACTIVE', 'PAUSED'])));
    const creds = await this.db
      .select({ pcId: deviceCredentials.pcId })
      .from(deviceCredentials)
      .where(and(inArray(deviceCredentials.pcId, ids), isNull(deviceCredentials.revokedAt)));
    const enrolled = new Set(creds.map((c) => c.pcId));
    const intervals = live.length
      ? await this.db
          .select()
          .from(sessionIntervals)
          .where(inArray(sessionIntervals.sessionId, live.map((l) => l.session.id)))
          .orderBy(asc(sessionIntervals.startedAt))
      : [];
    const intervalsBySession = new Map<string, IntervalRow[]>();
    for (const i of intervals) intervalsBySession.set(i.sessionId, [...(intervalsBySession.get(i.sessionId) ?? []), i]);
    const byPc = new Map(live.map((l) => [l.session.pcId, l]));
    const now = Date.now();
    const accountIds = [...new Set(live.flatMap((l) => (l.session.accountId ? [l.session.accountId] : [])))];
    const balances = accountIds.length
      ? await this.db
          .select({
            id: accounts.id,
            balance: accounts.balanceMinor,
            // a guest ticket gets no credit
            credit: sql<number>`case when ${users.guest} then 0 else ${organizations.creditLimitMinor} end`.mapWith(Number),
          })
          .from(accounts)
          .innerJoin(organizations, eq(organizations.id, accounts.organizationId))
          .innerJoin(users, eq(users.id, accounts.userId))
          .where(inArray(accounts.id, accountIds))
      : [];
    // live balance = balance − what its running sessions consumed + credit limit
    const available = new Map(balances.map((b) => [b.id, b.balance + b.credit]));
    for (const l of live) {
      const id = l.session.accountId;
      if (id && available.has(id)) available.set(id, available.get(id)! - priceOf(l.session, intervalsBySession.get(l.session.id) ?? [], now).amountMinor);
    }
    return rows.map((row) => {
      const l = byPc.get(row.id);
      const s = l?.session;
      return {
        ...row,
        enrolled: enrolled.has(row.id),
        session: s
          ? {
              id: s.id,
              status: s.status,
              customerName: l.customerName,
              startedAt: s.startedAt,
              needsReconciliation: s.needsReconciliation,
              kind: s.kind,
              ...livePrice(s, intervalsBySession.get(s.id) ?? [], now),
              costAt: new Date(now),
              hardEndAt: balanceEnd(s, intervalsBySession.get(s.id) ?? [], s.accountId ? available.get(s.accountId) : undefined, now),
            }
          : null,
      };
    });
  }

  async list(organizationId: string, lanCenterId: string): Promise<PcRow[]> {
    const rows = await this.db
      .select()
      .from(pcs)
      .where(
        and(eq(pcs.organizationId, organizationId), eq(pcs.lanCenterId, lanCenterId), isNull(pcs.retiredAt)),
      )
      .orderBy(asc(pcs.name));
    return this.decorate(rows);
  }

  async find(organizationId: string, id: string): Promise<PcRow | undefined> {
    const rows = await this.db
      .select()
      .from(pcs)
      .where(and(eq(pcs.organizationId, organizationId), eq(pcs.id, id), isNull(pcs.retiredAt)))
      .limit(1);
    return (await this.decorate(rows))[0];
  }

  async insert(values: typeof pcs.$inferInsert): Promise<string> {
    const [row] = await this.db.insert(pcs).values(values).returning({ id: pcs.id });
    return row!.id;
  }

  async update(organizationId: string, id: string, values: Partial<typeof pcs.$inferInsert>): Promise<void> {
    await this.db
      .update(pcs)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(pcs.organizationId, organizationId), eq(pcs.id, id)));
  }

  async retire(organizationId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(pcs)
        .set({ retiredAt: new Date(), status: 'OFFLINE', updatedAt: new Date() })
        .where(and(eq(pcs.organizationId, organizationId), eq(pcs.id, id)));
      await tx
        .update(deviceCredentials)
        .set({ revokedAt: new Date() })
        .where(and(eq(deviceCredentials.pcId, id), isNull(deviceCredentials.revokedAt)));
    });
  }

  async insertPairingCode(values: typeof pairingCodes.$inferInsert): Promise<void> {
    await this.db.insert(pairingCodes).values(values);
  }
}
