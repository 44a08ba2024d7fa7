import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { DB, type Db } from '../db/database.js';
import { pcs, zones } from '../db/schema.js';

export type ZoneRow = typeof zones.$inferSelect & { pcCount: number };

@Injectable()
export class ZonesRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  private base() {
    return this.db
      .select({
        id: zones.id,
        organizationId: zones.organizationId,
        lanCenterId: zones.lanCenterId,
        name: zones.name,
        description: zones.description,
        position: zones.position,
        color: zones.color,
        createdAt: zones.createdAt,
        updatedAt: zones.updatedAt,
        pcCount: count(pcs.id),
      })
      .from(zones)
      .leftJoin(pcs, and(eq(pcs.zoneId, zones.id), isNull(pcs.retiredAt)))
      .groupBy(zones.id);
  }

  list(organizationId: string, lanCenterId: string): Promise<ZoneRow[]> {
    return this.base()
      .where(and(eq(zones.organizationId, organizationId), eq(zones.lanCenterId, lanCenterId)))
      .orderBy(asc(zones.position), asc(zones.name));
  }

  async find(organizationId: string, id: string): Promise<ZoneRow | undefined> {
    const [row] = await this.base().where(and(eq(zones.organizationId, organizationId), eq(zones.id, id)));
    return row;
  }

  async insert(values: typeof zones.$inferInsert): Promise<string> {
    const [row] = await this.db.insert(zones).values(values).returning({ id: zones.id });
    return row!.id;
  }

  async update(
    organizationId: string,
    id: string,
    values: Partial<typeof zones.$inferInsert>,
  ): Promise<void> {
    await this.db
      .update(zones)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(zones.organizationId, organizationId), eq(zones.id, id)));
  }

  async delete(organizationId: string, id: string): Promise<void> {
    await this.db.delete(zones).where(and(eq(zones.organizationId, organizationId), eq(zones.id, id)));
  }
}
