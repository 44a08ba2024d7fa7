import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, isNull, lt, notInArray } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { agentEvents, notifications, pcs, sessions } from '../db/schema.js';

type PcStatus = (typeof pcs.$inferSelect)['status'];

@Injectable()
export class AgentGatewayRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async liveSession(pcId: string, tx?: Tx) {
    const [row] = await (tx ?? this.db)
      .select({ id: sessions.id, status: sessions.status })
      .from(sessions)
      .where(and(eq(sessions.pcId, pcId), inArray(sessions.status, ['PENDING', 'ACTIVE', 'PAUSED'])));
    return row;
  }

  async lockPc(tx: Tx, pcId: string) {
    const [row] = await tx.select().from(pcs).where(eq(pcs.id, pcId)).for('update');
    return row;
  }

  async updatePc(tx: Tx, pcId: string, values: Partial<typeof pcs.$inferInsert>): Promise<void> {
    await tx.update(pcs).set({ ...values, updatedAt: new Date() }).where(eq(pcs.id, pcId));
  }

  /** Agent PCs silent since `cutoff` that are not flagged yet. */
  async silentSince(cutoff: Date) {
    return this.db
      .select({ id: pcs.id })
      .from(pcs)
      .where(
        and(
          eq(pcs.requiresAgent, true),
          isNull(pcs.retiredAt),
          isNull(pcs.offlineFlaggedAt),
          notInArray(pcs.status, ['OFFLINE', 'MAINTENANCE'] satisfies PcStatus[]),
          lt(pcs.lastHeartbeatAt, cutoff),
        ),
      );
  }

  /** Flags one silent PC offline; the condition makes it happen once even with several instances. */
  async flagOffline(tx: Tx, pcId: string, cutoff: Date, now: Date) {
    const [row] = await tx
      .update(pcs)
      .set({ status: 'OFFLINE', offlineFlaggedAt: now, updatedAt: now })
      .where(and(eq(pcs.id, pcId), isNull(pcs.offlineFlaggedAt), lt(pcs.lastHeartbeatAt, cutoff)))
      .returning();
    return row;
  }

  async markNeedsReconciliation(tx: Tx, sessionId: string): Promise<void> {
    await tx.update(sessions).set({ needsReconciliation: true, updatedAt: new Date() }).where(eq(sessions.id, sessionId));
  }

  async insertNotification(values: typeof notifications.$inferInsert, tx?: Tx): Promise<void> {
    await (tx ?? this.db).insert(notifications).values(values);
  }

  async findEvent(pcId: string, eventId: string) {
    const [row] = await this.db
      .select({ eventId: agentEvents.eventId })
      .from(agentEvents)
      .where(and(eq(agentEvents.pcId, pcId), eq(agentEvents.eventId, eventId)));
    return row;
  }

  /** Which of these event ids this PC already had applied (one query per sync batch). */
  async findEvents(pcId: string, eventIds: string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const rows = await this.db
      .select({ eventId: agentEvents.eventId })
      .from(agentEvents)
      .where(and(eq(agentEvents.pcId, pcId), inArray(agentEvents.eventId, eventIds)));
    return new Set(rows.map((r) => r.eventId));
  }

  async insertEvent(values: typeof agentEvents.$inferInsert): Promise<void> {
    await this.insertEvents([values]);
  }

  async insertEvents(values: (typeof agentEvents.$inferInsert)[]): Promise<void> {
    if (values.length) await this.db.insert(agentEvents).values(values).onConflictDoNothing();
  }
}
