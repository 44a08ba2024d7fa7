import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { accounts, guestTickets, lanCenters, tariffs, transactions, users, zones } from '../db/schema.js';

export type GuestTicketRow = typeof guestTickets.$inferSelect;

/** A ticket with what its answer shows: name, money and the sale. */
const view = {
  ticket: guestTickets,
  name: users.name,
  balanceMinor: accounts.balanceMinor,
  accountId: accounts.id,
  liveSessions: accounts.liveSessions,
  soldMinor: transactions.amountMinor,
  paymentMethod: transactions.paymentMethod,
};

@Injectable()
export class GuestTicketsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  private select(db: Db | Tx = this.db) {
    return db
      .select(view)
      .from(guestTickets)
      .innerJoin(users, eq(users.id, guestTickets.userId))
      .innerJoin(accounts, and(eq(accounts.userId, guestTickets.userId), eq(accounts.organizationId, guestTickets.organizationId)))
      .innerJoin(transactions, eq(transactions.id, guestTickets.saleTransactionId));
  }

  async insert(tx: Tx, values: typeof guestTickets.$inferInsert): Promise<GuestTicketRow> {
    const [row] = await tx.insert(guestTickets).values(values).returning();
    return row!;
  }

  async codeTaken(tx: Tx, organizationId: string, codeHash: string): Promise<boolean> {
    const rows = await tx
      .select({ id: guestTickets.id })
      .from(guestTickets)
      .where(and(eq(guestTickets.organizationId, organizationId), eq(guestTickets.codeHash, codeHash)))
      .limit(1);
    return rows.length > 0;
  }

  async find(organizationId: string, id: string, tx?: Tx) {
    const [row] = await this.select(tx).where(and(eq(guestTickets.organizationId, organizationId), eq(guestTickets.id, id)));
    return row;
  }

  async findByCode(organizationId: string, codeHash: string) {
    const [row] = await this.select().where(and(eq(guestTickets.organizationId, organizationId), eq(guestTickets.codeHash, codeHash)));
    return row;
  }

  /** Locks the ticket row: closing is decided once. */
  async lock(tx: Tx, organizationId: string, id: string): Promise<GuestTicketRow | undefined> {
    const [row] = await tx
      .select()
      .from(guestTickets)
      .where(and(eq(guestTickets.organizationId, organizationId), eq(guestTickets.id, id)))
      .for('update');
    return row;
  }

  /** The money paid in at the counter for this ticket (its sale and any top-up), newest first. */
  async rechargesOf(tx: Tx, accountId: string) {
    return tx
      .select()
      .from(transactions)
      .where(and(eq(transactions.accountId, accountId), eq(transactions.type, 'RECHARGE')))
      .orderBy(desc(transactions.createdAt), desc(transactions.id));
  }

  async close(tx: Tx, id: string, closedBy: string, at: Date): Promise<void> {
    await tx.update(guestTickets).set({ closedAt: at, closedBy }).where(eq(guestTickets.id, id));
  }

  async list(filter: {
    organizationId: string;
    lanCenterId: string;
    status: 'open' | 'closed' | 'all';
    after: { at: Date; id: string } | null;
    limit: number;
  }) {
    const { after } = filter;
    return this.select()
      .where(
        and(
          eq(guestTickets.organizationId, filter.organizationId),
          eq(guestTickets.lanCenterId, filter.lanCenterId),
          filter.status === 'open' ? isNull(guestTickets.closedAt) : filter.status === 'closed' ? isNotNull(guestTickets.closedAt) : undefined,
          after ? or(lt(guestTickets.createdAt, after.at), and(eq(guestTickets.createdAt, after.at), lt(guestTickets.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(guestTickets.createdAt), desc(guestTickets.id))
      .limit(filter.limit);
  }

  /** The LAN center's zones with their current tariff (for the time a ticket buys). */
  async zoneTariffs(lanCenterId: string, tx?: Tx) {
    return (tx ?? this.db)
      .select({ zone: zones, tariff: tariffs, timezone: lanCenters.timezone })
      .from(zones)
      .innerJoin(lanCenters, eq(lanCenters.id, zones.lanCenterId))
      .innerJoin(tariffs, and(eq(tariffs.zoneId, zones.id), isNull(tariffs.effectiveTo)))
      .where(eq(zones.lanCenterId, lanCenterId))
      .orderBy(zones.position, zones.name);
  }
}

export type GuestTicketView = NonNullable<Awaited<ReturnType<GuestTicketsRepository['find']>>>;
