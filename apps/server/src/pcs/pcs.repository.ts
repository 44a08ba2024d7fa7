import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DB, type Db } from '../db/database.js';
import { deviceCredentials, pairingCodes, pcs, sessions, users } from '../db/schema.js';

export type PcRow = typeof pcs.$inferSelect & {
  enrolled: boolean;
  session: {
    id: string;
    status: string;
    customerName: string | null;
    startedAt: Date | null;
    needsReconciliation: boolean;
  } | null;
};

@Injectable()
export class PcsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  private async decorate(rows: (typeof pcs.$inferSelect)[]): Promise<PcRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const live = await this.db
      .select({
        pcId: sessions.pcId,
        id: sessions.id,
        status: sessions.status,
        customerName: sql<string | null>`coalesce(${users.name}, ${sessions.guestLabel})`,
        startedAt: sessions.startedAt,
        needsReconciliation: sessions.needsReconciliation,
      })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(and(inArray(sessions.pcId, ids), inArray(sessions.status, ['PENDING', 'ACTIVE', 'PAUSED'])));
    const creds = await this.db
      .select({ pcId: deviceCredentials.pcId })
      .from(deviceCredentials)
      .where(and(inArray(deviceCredentials.pcId, ids), isNull(deviceCredentials.revokedAt)));
    const enrolled = new Set(creds.map((c) => c.pcId));
    const byPc = new Map(live.map((s) => [s.pcId, s]));
    return rows.map((row) => {
      const s = byPc.get(row.id);
      return {
        ...row,
        enrolled: enrolled.has(row.id),
        session: s
          ? {
              id: s.id,
              status: s.status,
              customerName: s.customerName,
              startedAt: s.startedAt,
              needsReconciliation: s.needsReconciliation,
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
