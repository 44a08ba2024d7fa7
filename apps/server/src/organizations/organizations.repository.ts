import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { lanCenters, lanStaff, organizations, subscriptions, users } from '../db/schema.js';

@Injectable()
export class OrganizationsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async slugExists(slug: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.slug, slug))
      .limit(1);
    return rows.length > 0;
  }

  async insertOrganization(tx: Tx, values: typeof organizations.$inferInsert) {
    const [row] = await tx.insert(organizations).values(values).returning();
    return row!;
  }

  async insertLanCenter(tx: Tx, values: typeof lanCenters.$inferInsert) {
    const [row] = await tx.insert(lanCenters).values(values).returning();
    return row!;
  }

  async insertUser(tx: Tx, values: typeof users.$inferInsert) {
    const [row] = await tx.insert(users).values(values).returning();
    return row!;
  }

  async insertStaff(tx: Tx, values: typeof lanStaff.$inferInsert) {
    await tx.insert(lanStaff).values(values);
  }

  async insertSubscription(tx: Tx, values: typeof subscriptions.$inferInsert) {
    await tx.insert(subscriptions).values(values);
  }

  async findOrganization(id: string) {
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
    return row;
  }
}
