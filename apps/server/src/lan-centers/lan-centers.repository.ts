import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { DB, type Db } from '../db/database.js';
import { lanCenters, organizations } from '../db/schema.js';

export type LanCenterRow = typeof lanCenters.$inferSelect & { currency: string };

const columns = {
  id: lanCenters.id,
  organizationId: lanCenters.organizationId,
  name: lanCenters.name,
  slug: lanCenters.slug,
  address: lanCenters.address,
  city: lanCenters.city,
  country: lanCenters.country,
  timezone: lanCenters.timezone,
  status: lanCenters.status,
  settings: lanCenters.settings,
  createdAt: lanCenters.createdAt,
  updatedAt: lanCenters.updatedAt,
  currency: organizations.currency,
};

@Injectable()
export class LanCentersRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  list(organizationId: string, onlyIds?: string[]): Promise<LanCenterRow[]> {
    return this.db
      .select(columns)
      .from(lanCenters)
      .innerJoin(organizations, eq(organizations.id, lanCenters.organizationId))
      .where(
        and(
          eq(lanCenters.organizationId, organizationId),
          onlyIds
            ? inArray(lanCenters.id, onlyIds.length ? onlyIds : ['00000000-0000-0000-0000-000000000000'])
            : undefined,
        ),
      )
      .orderBy(asc(lanCenters.createdAt));
  }

  async find(organizationId: string, id: string): Promise<LanCenterRow | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(lanCenters)
      .innerJoin(organizations, eq(organizations.id, lanCenters.organizationId))
      .where(and(eq(lanCenters.organizationId, organizationId), eq(lanCenters.id, id)))
      .limit(1);
    return row;
  }

  async insert(values: typeof lanCenters.$inferInsert): Promise<string> {
    const [row] = await this.db.insert(lanCenters).values(values).returning({ id: lanCenters.id });
    return row!.id;
  }

  async update(
    organizationId: string,
    id: string,
    values: Partial<typeof lanCenters.$inferInsert>,
  ): Promise<boolean> {
    const rows = await this.db
      .update(lanCenters)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(lanCenters.organizationId, organizationId), eq(lanCenters.id, id)))
      .returning({ id: lanCenters.id });
    return rows.length === 1;
  }
}
