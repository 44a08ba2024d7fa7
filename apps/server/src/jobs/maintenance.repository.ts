import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { DB, type Db } from '../db/database.js';
import { agentEvents, idempotencyKeys, sessions } from '../db/schema.js';

const BATCH = 5_000;

@Injectable()
export class MaintenanceRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Sessions still PENDING that were requested before `cutoff` (oldest first). */
  async stalePending(cutoff: Date, limit = 500): Promise<string[]> {
    const rows = await this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.status, 'PENDING'), lt(sessions.requestedAt, cutoff)))
      .orderBy(asc(sessions.requestedAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** Deletes completed idempotency records created before `cutoff`, in batches; returns the count. */
  pruneIdempotencyKeys(cutoff: Date): Promise<number> {
    return this.inBatches(() =>
      this.db.execute<{ n: number }>(sql`
        with doomed as (
          select organization_id, key from ${idempotencyKeys}
          where ${idempotencyKeys.createdAt} < ${cutoff} limit ${BATCH}
        )
        delete from ${idempotencyKeys} k using doomed d
        where k.organization_id = d.organization_id and k.key = d.key
        returning 1 as n`),
    );
  }

  /** Deletes applied agent events received before `cutoff` (their ids only dedupe retries). */
  pruneAgentEvents(cutoff: Date): Promise<number> {
    return this.inBatches(() =>
      this.db.execute<{ n: number }>(sql`
        with doomed as (
          select pc_id, event_id from ${agentEvents}
          where ${agentEvents.receivedAt} < ${cutoff} limit ${BATCH}
        )
        delete from ${agentEvents} e using doomed d
        where e.pc_id = d.pc_id and e.event_id = d.event_id
        returning 1 as n`),
    );
  }

  /** Repeats a batch delete until a batch comes back short; returns the total deleted. */
  private async inBatches(deleteBatch: () => Promise<unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = rowCount(await deleteBatch());
      total += n;
      if (n < BATCH) return total;
    }
  }
}

function rowCount(result: unknown): number {
  const r = result as { rows?: unknown[]; length?: number };
  return Array.isArray(r) ? r.length : (r.rows?.length ?? 0);
}
