import { Inject, Injectable } from '@nestjs/common';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { lanCenters, lanStaff, refreshTokens, users } from '../db/schema.js';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

@Injectable()
export class AuthRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async findByLogin(login: string): Promise<UserRow | undefined> {
    const value = login.trim().toLowerCase();
    const [row] = await this.db
      .select()
      .from(users)
      .where(or(eq(users.email, value), eq(users.username, value)))
      .limit(1);
    return row;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  /** Atomically counts a failure; locks the account when the limit is reached. Returns the new count. */
  async recordFailure(
    userId: string,
    maxFailures: number,
    lockSeconds: number,
  ): Promise<{ count: number; locked: boolean }> {
    const [row] = await this.db
      .update(users)
      .set({
        failedLoginCount: sql`${users.failedLoginCount} + 1`,
        lockedUntil: sql`case when ${users.failedLoginCount} + 1 >= ${maxFailures} then now() + make_interval(secs => ${lockSeconds}) else ${users.lockedUntil} end`,
      })
      .where(eq(users.id, userId))
      .returning({ count: users.failedLoginCount, lockedUntil: users.lockedUntil });
    return { count: row?.count ?? 0, locked: (row?.count ?? 0) >= maxFailures };
  }

  async recordSuccess(userId: string): Promise<void> {
    await this.db
      .update(users)
      .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: new Date() })
      .where(eq(users.id, userId));
  }

  async lanCenterIdsFor(user: Pick<UserRow, 'id' | 'role' | 'organizationId'>, tx?: Tx): Promise<string[]> {
    const db = tx ?? this.db;
    if (user.role === 'MANAGER' && user.organizationId) {
      const rows = await db
        .select({ id: lanCenters.id })
        .from(lanCenters)
        .where(eq(lanCenters.organizationId, user.organizationId));
      return rows.map((r) => r.id);
    }
    if (user.role === 'CASHIER') {
      const rows = await db
        .select({ id: lanStaff.lanCenterId })
        .from(lanStaff)
        .where(and(eq(lanStaff.userId, user.id), isNull(lanStaff.endedAt)));
      return rows.map((r) => r.id);
    }
    return [];
  }

  async insertRefreshToken(values: typeof refreshTokens.$inferInsert, tx?: Tx): Promise<void> {
    await (tx ?? this.db).insert(refreshTokens).values(values);
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const [row] = await this.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .limit(1);
    return row;
  }

  /** Marks a refresh token used exactly once; false when someone already used or revoked it. */
  async consumeRefreshToken(id: string): Promise<boolean> {
    const rows = await this.db
      .update(refreshTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length === 1;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }
}
