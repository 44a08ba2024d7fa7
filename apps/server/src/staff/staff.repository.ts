import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { lanCenters, lanStaff, users } from '../db/schema.js';

export type StaffRow = typeof users.$inferSelect & { lanCenterIds: string[] };

@Injectable()
export class StaffRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  private async withLans(rows: (typeof users.$inferSelect)[]): Promise<StaffRow[]> {
    if (!rows.length) return [];
    const links = await this.db
      .select({ userId: lanStaff.userId, lanCenterId: lanStaff.lanCenterId })
      .from(lanStaff)
      .where(
        and(
          inArray(
            lanStaff.userId,
            rows.map((r) => r.id),
          ),
          isNull(lanStaff.endedAt),
        ),
      );
    return rows.map((r) => ({
      ...r,
      lanCenterIds: links.filter((l) => l.userId === r.id).map((l) => l.lanCenterId),
    }));
  }

  async list(organizationId: string): Promise<StaffRow[]> {
    const rows = await this.db
      .select()
      .from(users)
      .where(and(eq(users.organizationId, organizationId), inArray(users.role, ['MANAGER', 'CASHIER'])))
      .orderBy(asc(users.name));
    return this.withLans(rows);
  }

  async find(organizationId: string, id: string): Promise<StaffRow | undefined> {
    const rows = await this.db
      .select()
      .from(users)
      .where(
        and(
          eq(users.organizationId, organizationId),
          eq(users.id, id),
          inArray(users.role, ['MANAGER', 'CASHIER']),
        ),
      )
      .limit(1);
    return (await this.withLans(rows))[0];
  }

  async countLanCenters(organizationId: string, ids: string[]): Promise<number> {
    const rows = await this.db
      .select({ id: lanCenters.id })
      .from(lanCenters)
      .where(and(eq(lanCenters.organizationId, organizationId), inArray(lanCenters.id, ids)));
    return rows.length;
  }

  async insertUser(tx: Tx, values: typeof users.$inferInsert): Promise<string> {
    const [row] = await tx.insert(users).values(values).returning({ id: users.id });
    return row!.id;
  }

  async updateUser(
    tx: Tx,
    organizationId: string,
    id: string,
    values: Partial<typeof users.$inferInsert>,
  ): Promise<void> {
    await tx
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(users.organizationId, organizationId), eq(users.id, id)));
  }

  async setLanCenters(
    tx: Tx,
    organizationId: string,
    userId: string,
    role: 'MANAGER' | 'CASHIER',
    lanCenterIds: string[],
  ): Promise<void> {
    await tx.delete(lanStaff).where(eq(lanStaff.userId, userId));
    if (lanCenterIds.length) {
      await tx
        .insert(lanStaff)
        .values(lanCenterIds.map((lanCenterId) => ({ organizationId, lanCenterId, userId, role })));
    }
  }
}
