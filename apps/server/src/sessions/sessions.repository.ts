import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { customerPackages, deviceCredentials, guestTickets, lanCenters, pcs, sessionIntervals, sessions, users } from '../db/schema.js';
import type { IntervalRow, SessionRow } from './session-pricing.js';

@Injectable()
export class SessionsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async pcWithLan(organizationId: string, pcId: string, tx?: Tx) {
    const [row] = await (tx ?? this.db)
      .select({ pc: pcs, timezone: lanCenters.timezone, lanSettings: lanCenters.settings })
      .from(pcs)
      .innerJoin(lanCenters, eq(lanCenters.id, pcs.lanCenterId))
      .where(and(eq(pcs.organizationId, organizationId), eq(pcs.id, pcId), isNull(pcs.retiredAt)));
    return row;
  }

  async hasActiveCredential(tx: Tx, pcId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: deviceCredentials.id })
      .from(deviceCredentials)
      .where(and(eq(deviceCredentials.pcId, pcId), isNull(deviceCredentials.revokedAt)))
      .limit(1);
    return rows.length > 0;
  }

  /** A customer, with its guest ticket when it is one. */
  async customer(organizationId: string, userId: string, tx?: Tx) {
    const [row] = await (tx ?? this.db)
      .select({
        id: users.id,
        name: users.name,
        guest: users.guest,
        ticket: { lanCenterId: guestTickets.lanCenterId, expiresAt: guestTickets.expiresAt, closedAt: guestTickets.closedAt },
      })
      .from(users)
      .leftJoin(guestTickets, eq(guestTickets.userId, users.id))
      .where(and(eq(users.organizationId, organizationId), eq(users.id, userId), eq(users.role, 'CLIENT')));
    return row;
  }

  /** A session on this account that is starting, running or paused. */
  async hasLiveSession(tx: Tx, accountId: string): Promise<boolean> {
    const rows = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.accountId, accountId), inArray(sessions.status, ['PENDING', 'ACTIVE', 'PAUSED'])))
      .limit(1);
    return rows.length > 0;
  }

  async insert(tx: Tx, values: typeof sessions.$inferInsert): Promise<SessionRow> {
    const [row] = await tx.insert(sessions).values(values).returning();
    return row!;
  }

  async openInterval(tx: Tx, sessionId: string, at: Date, source = 'server'): Promise<void> {
    await tx.insert(sessionIntervals).values({ sessionId, startedAt: at, source });
  }

  async closeOpenInterval(tx: Tx, sessionId: string, at: Date): Promise<void> {
    await tx
      .update(sessionIntervals)
      .set({ endedAt: sql`greatest(${sessionIntervals.startedAt}, ${at.toISOString()}::timestamptz)` })
      .where(and(eq(sessionIntervals.sessionId, sessionId), isNull(sessionIntervals.endedAt)));
  }

  /** Replaces a session's intervals with the agent's measurement (closed intervals). */
  async replaceIntervals(tx: Tx, sessionId: string, intervals: { startMs: number; endMs: number }[]): Promise<void> {
    await tx.delete(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId));
    if (intervals.length === 0) return;
    await tx
      .insert(sessionIntervals)
      .values(intervals.map((i) => ({ sessionId, startedAt: new Date(i.startMs), endedAt: new Date(i.endMs), source: 'agent' })));
  }

  intervals(tx: Tx | Db, sessionId: string): Promise<IntervalRow[]> {
    return tx.select().from(sessionIntervals).where(eq(sessionIntervals.sessionId, sessionId)).orderBy(sessionIntervals.startedAt);
  }

  intervalsOf(sessionId: string): Promise<IntervalRow[]> {
    return this.intervals(this.db, sessionId);
  }

  /** Moves a session between states only from the expected ones; returns the row when this call won. */
  async transition(tx: Tx, id: string, from: SessionRow['status'][], values: Partial<typeof sessions.$inferInsert>): Promise<SessionRow | undefined> {
    const [row] = await tx
      .update(sessions)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(sessions.id, id), inArray(sessions.status, from)))
      .returning();
    return row;
  }

  /** Marks an unsettled completed session paid; undefined when someone else already did. */
  async claimSettlement(tx: Tx, id: string, chargedMinor: number): Promise<SessionRow | undefined> {
    const [row] = await tx
      .update(sessions)
      .set({ settledAt: new Date(), chargedMinor, updatedAt: new Date() })
      .where(and(eq(sessions.id, id), eq(sessions.status, 'COMPLETED'), isNull(sessions.settledAt)))
      .returning();
    return row;
  }

  async update(tx: Tx, id: string, values: Partial<typeof sessions.$inferInsert>): Promise<void> {
    await tx.update(sessions).set({ ...values, updatedAt: new Date() }).where(eq(sessions.id, id));
  }

  async find(organizationId: string, id: string, tx?: Tx): Promise<SessionRow | undefined> {
    const [row] = await (tx ?? this.db).select().from(sessions).where(and(eq(sessions.organizationId, organizationId), eq(sessions.id, id)));
    return row;
  }

  async findById(id: string, tx?: Tx): Promise<SessionRow | undefined> {
    const [row] = await (tx ?? this.db).select().from(sessions).where(eq(sessions.id, id));
    return row;
  }

  async list(organizationId: string, lanCenterId: string, status: SessionRow['status'] | undefined, limit: number): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.organizationId, organizationId), eq(sessions.lanCenterId, lanCenterId), status ? eq(sessions.status, status) : undefined))
      .orderBy(desc(sessions.requestedAt))
      .limit(limit);
  }

  async setPcStatus(tx: Tx, pcId: string, status: (typeof pcs.$inferSelect)['status']): Promise<void> {
    await tx.update(pcs).set({ status, updatedAt: new Date() }).where(eq(pcs.id, pcId));
  }

  async consumePackage(tx: Tx, holdingId: string, seconds: number): Promise<void> {
    await tx
      .update(customerPackages)
      .set({ secondsRemaining: sql`greatest(0, ${customerPackages.secondsRemaining} - ${seconds})` })
      .where(eq(customerPackages.id, holdingId));
  }

  async customerNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
