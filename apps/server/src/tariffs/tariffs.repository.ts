import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { tariffs, timePackages } from '../db/schema.js';

export type TariffRow = typeof tariffs.$inferSelect;
export type TimePackageRow = typeof timePackages.$inferSelect;

@Injectable()
export class TariffsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async current(zoneId: string, tx?: Tx): Promise<TariffRow | undefined> {
    const [row] = await (tx ?? this.db).select().from(tariffs).where(and(eq(tariffs.zoneId, zoneId), isNull(tariffs.effectiveTo)));
    return row;
  }

  history(zoneId: string): Promise<TariffRow[]> {
    return this.db.select().from(tariffs).where(eq(tariffs.zoneId, zoneId)).orderBy(desc(tariffs.effectiveFrom)).limit(100);
  }

  async closeCurrent(tx: Tx, zoneId: string, at: Date): Promise<void> {
    await tx.update(tariffs).set({ effectiveTo: at }).where(and(eq(tariffs.zoneId, zoneId), isNull(tariffs.effectiveTo)));
  }

  async insert(tx: Tx, values: typeof tariffs.$inferInsert): Promise<TariffRow> {
    const [row] = await tx.insert(tariffs).values(values).returning();
    return row!;
  }

  listPackages(organizationId: string): Promise<TimePackageRow[]> {
    return this.db.select().from(timePackages).where(eq(timePackages.organizationId, organizationId)).orderBy(timePackages.name);
  }

  async findPackage(organizationId: string, id: string, tx?: Tx): Promise<TimePackageRow | undefined> {
    const [row] = await (tx ?? this.db).select().from(timePackages).where(and(eq(timePackages.organizationId, organizationId), eq(timePackages.id, id)));
    return row;
  }

  async insertPackage(values: typeof timePackages.$inferInsert): Promise<TimePackageRow> {
    const [row] = await this.db.insert(timePackages).values(values).returning();
    return row!;
  }

  async updatePackage(organizationId: string, id: string, values: Partial<typeof timePackages.$inferInsert>): Promise<TimePackageRow | undefined> {
    const [row] = await this.db
      .update(timePackages)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(timePackages.organizationId, organizationId), eq(timePackages.id, id)))
      .returning();
    return row;
  }
}
