import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, ilike, lt, or, sql } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { accounts, users } from '../db/schema.js';

export type CustomerRow = typeof users.$inferSelect & { balanceMinor: number };

const columns = {
  user: users,
  balanceMinor: sql<number>`coalesce(${accounts.balanceMinor}, 0)`.mapWith(Number),
};

@Injectable()
export class CustomersRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async search(
    organizationId: string,
    q: string | undefined,
    guests: 'exclude' | 'only' | 'include',
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<CustomerRow[]> {
    const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const rows = await this.db
      .select(columns)
      .from(users)
      .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.organizationId, organizationId)))
      .where(
        and(
          eq(users.organizationId, organizationId),
          eq(users.role, 'CLIENT'),
          guests === 'include' ? undefined : eq(users.guest, guests === 'only'),
          pattern
            ? or(
                ilike(users.name, pattern),
                ilike(users.username, pattern),
                ilike(users.email, pattern),
                ilike(users.phone, pattern),
                ilike(users.documentId, pattern),
              )
            : undefined,
          after
            ? or(lt(users.createdAt, after.at), and(eq(users.createdAt, after.at), lt(users.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(limit);
    return rows.map((r) => ({ ...r.user, balanceMinor: r.balanceMinor }));
  }

  async find(organizationId: string, id: string): Promise<CustomerRow | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(users)
      .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.organizationId, organizationId)))
      .where(and(eq(users.organizationId, organizationId), eq(users.id, id), eq(users.role, 'CLIENT')))
      .limit(1);
    return row ? { ...row.user, balanceMinor: row.balanceMinor } : undefined;
  }

  async insert(tx: Tx, values: typeof users.$inferInsert): Promise<string> {
    const [row] = await tx.insert(users).values(values).returning({ id: users.id });
    await tx.insert(accounts).values({ organizationId: values.organizationId!, userId: row!.id });
    return row!.id;
  }

  async update(
    organizationId: string,
    id: string,
    values: Partial<typeof users.$inferInsert>,
  ): Promise<void> {
    await this.db
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(users.organizationId, organizationId), eq(users.id, id)));
  }
}
