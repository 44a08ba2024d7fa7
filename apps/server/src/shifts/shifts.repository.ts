import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { cashierShifts, transactions, users } from '../db/schema.js';

export type ShiftRow = typeof cashierShifts.$inferSelect & { cashierName: string };

const columns = { shift: cashierShifts, cashierName: users.name };

@Injectable()
export class ShiftsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async insert(values: typeof cashierShifts.$inferInsert): Promise<string> {
    const [row] = await this.db.insert(cashierShifts).values(values).returning({ id: cashierShifts.id });
    return row!.id;
  }

  async find(organizationId: string, id: string, tx?: Tx): Promise<ShiftRow | undefined> {
    const query = (tx ?? this.db)
      .select(columns)
      .from(cashierShifts)
      .innerJoin(users, eq(users.id, cashierShifts.cashierId))
      .where(and(eq(cashierShifts.organizationId, organizationId), eq(cashierShifts.id, id)));
    const [row] = tx ? await query.for('update', { of: cashierShifts }) : await query;
    return row ? { ...row.shift, cashierName: row.cashierName } : undefined;
  }

  async current(organizationId: string, cashierId: string): Promise<ShiftRow | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(cashierShifts)
      .innerJoin(users, eq(users.id, cashierShifts.cashierId))
      .where(and(eq(cashierShifts.organizationId, organizationId), eq(cashierShifts.cashierId, cashierId), eq(cashierShifts.status, 'OPEN')));
    return row ? { ...row.shift, cashierName: row.cashierName } : undefined;
  }

  async list(organizationId: string, lanCenterId: string, limit: number): Promise<ShiftRow[]> {
    const rows = await this.db
      .select(columns)
      .from(cashierShifts)
      .innerJoin(users, eq(users.id, cashierShifts.cashierId))
      .where(and(eq(cashierShifts.organizationId, organizationId), eq(cashierShifts.lanCenterId, lanCenterId)))
      .orderBy(desc(cashierShifts.openedAt))
      .limit(limit);
    return rows.map((r) => ({ ...r.shift, cashierName: r.cashierName }));
  }

  /** Σ per (type, method) of the shift's movements. */
  async totals(shiftId: string, tx?: Tx) {
    return (tx ?? this.db)
      .select({
        type: transactions.type,
        method: transactions.paymentMethod,
        count: sql<number>`count(*)`.mapWith(Number),
        tendered: sql<number>`coalesce(sum(${transactions.tenderedMinor}), 0)`.mapWith(Number),
        amount: sql<number>`coalesce(sum(${transactions.amountMinor}), 0)`.mapWith(Number),
        cashIn: sql<number>`coalesce(sum(case when ${transactions.paymentMethod} = 'CASH' and ${transactions.tenderedMinor} > 0 then ${transactions.tenderedMinor} else 0 end), 0)`.mapWith(Number),
        cashOut: sql<number>`coalesce(sum(case when ${transactions.paymentMethod} = 'CASH' and ${transactions.tenderedMinor} < 0 then -${transactions.tenderedMinor} else 0 end), 0)`.mapWith(Number),
      })
      .from(transactions)
      .where(eq(transactions.shiftId, shiftId))
      .groupBy(transactions.type, transactions.paymentMethod);
  }

  async close(tx: Tx, id: string, values: { expectedCashMinor: number; countedCashMinor: number; differenceMinor: number; notes: string | null }): Promise<boolean> {
    const rows = await tx
      .update(cashierShifts)
      .set({ ...values, status: 'CLOSED', closedAt: new Date() })
      .where(and(eq(cashierShifts.id, id), eq(cashierShifts.status, 'OPEN')))
      .returning({ id: cashierShifts.id });
    return rows.length === 1;
  }
}
