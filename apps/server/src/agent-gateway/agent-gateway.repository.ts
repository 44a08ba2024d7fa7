import { Inject, Injectable } from '@nestjs/common';
import { type AnyColumn, type SQL, and, asc, eq, inArray, isNull, lt, ne, notInArray, sql } from 'drizzle-orm';
import { DB, rowsOf, type Db, type Tx } from '../db/database.js';
import { agentEvents, deviceCredentials, lanCenters, notifications, organizations, pcs, sessions } from '../db/schema.js';

type PcStatus = (typeof pcs.$inferSelect)['status'];
const LIVE = ['PENDING', 'ACTIVE', 'PAUSED'] as const;

/** `column = any($1)`: one array parameter, however many ids (batches of hundreds). */
const anyOf = (column: AnyColumn, ids: string[]): SQL => sql`${column} = any(${sql.param(ids)}::uuid[])`;

/** What one sign of life writes for a PC. */
export interface PcPresenceUpdate {
  pcId: string;
  status: PcStatus;
  agentVersion?: string;
  protocolVersion?: number;
}

@Injectable()
export class AgentGatewayRepository {
  /** Built once (on PostgreSQL, parsed once per connection): it runs for every agent (re)connect. */
  private readonly handshakeQuery;

  constructor(@Inject(DB) private readonly db: Db) {
    this.handshakeQuery = this.db
      .select({
        pc: { id: pcs.id, name: pcs.name, lanCenterId: pcs.lanCenterId },
        lan: { name: lanCenters.name, timezone: lanCenters.timezone, settings: lanCenters.settings },
        currency: organizations.currency,
        live: { id: sessions.id, status: sessions.status },
      })
      .from(deviceCredentials)
      .innerJoin(pcs, eq(pcs.id, deviceCredentials.pcId))
      .innerJoin(lanCenters, eq(lanCenters.id, pcs.lanCenterId))
      .innerJoin(organizations, eq(organizations.id, pcs.organizationId))
      .leftJoin(sessions, and(eq(sessions.pcId, pcs.id), inArray(sessions.status, [...LIVE])))
      .where(
        and(
          eq(deviceCredentials.id, sql.placeholder('credentialId')),
          eq(deviceCredentials.pcId, sql.placeholder('pcId')),
          isNull(deviceCredentials.revokedAt),
          isNull(pcs.retiredAt),
        ),
      )
      .limit(1)
      .prepare('agent_handshake_context');
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async liveSession(pcId: string, tx?: Tx) {
    const [row] = await (tx ?? this.db)
      .select({ id: sessions.id, status: sessions.status })
      .from(sessions)
      .where(and(eq(sessions.pcId, pcId), inArray(sessions.status, [...LIVE])));
    return row;
  }

  /** The live session of each of these PCs (one at most per PC), by PC id. */
  async liveSessions(pcIds: string[], tx?: Tx) {
    if (!pcIds.length) return new Map<string, { id: string; status: (typeof LIVE)[number] }>();
    const rows = await (tx ?? this.db)
      .select({ pcId: sessions.pcId, id: sessions.id, status: sessions.status })
      .from(sessions)
      .where(and(anyOf(sessions.pcId, pcIds), inArray(sessions.status, [...LIVE])));
    return new Map(rows.map((r) => [r.pcId, { id: r.id, status: r.status as (typeof LIVE)[number] }]));
  }

  /** Locks the PCs that are not retired, in id order (concurrent batches cannot deadlock). */
  async lockPcs(tx: Tx, pcIds: string[]) {
    if (!pcIds.length) return [];
    return tx
      .select({
        id: pcs.id,
        organizationId: pcs.organizationId,
        lanCenterId: pcs.lanCenterId,
        status: pcs.status,
        lastHeartbeatAt: pcs.lastHeartbeatAt,
        offlineFlaggedAt: pcs.offlineFlaggedAt,
      })
      .from(pcs)
      .where(and(anyOf(pcs.id, pcIds), isNull(pcs.retiredAt)))
      .orderBy(asc(pcs.id))
      .for('update');
  }

  /**
   * The common case of a sign of life, one statement: last heartbeat = `now` for the PCs that are
   * neither OFFLINE nor flagged (nor retired). Returns those it updated; the others need
   * `lockPcs` + `recordPresence`. A concurrent flag by the watchdog is seen (the row no longer
   * matches once it committed).
   */
  async touchOnline(pcIds: string[], info: { agentVersion?: string; protocolVersion?: number }, now: Date): Promise<string[]> {
    if (!pcIds.length) return [];
    const rows = await this.db
      .update(pcs)
      .set({ ...info, lastHeartbeatAt: now, updatedAt: now })
      .where(and(anyOf(pcs.id, pcIds), isNull(pcs.retiredAt), isNull(pcs.offlineFlaggedAt), ne(pcs.status, 'OFFLINE')))
      .returning({ id: pcs.id });
    return rows.map((r) => r.id);
  }

  /** Last heartbeat = `now`, offline flag cleared: one UPDATE per distinct (status, versions). */
  async recordPresence(tx: Tx, updates: PcPresenceUpdate[], now: Date): Promise<void> {
    const groups = new Map<string, { values: Partial<typeof pcs.$inferInsert>; ids: string[] }>();
    for (const u of updates) {
      const key = `${u.status}|${u.agentVersion ?? ''}|${u.protocolVersion ?? ''}`;
      const group = groups.get(key) ?? {
        values: {
          status: u.status,
          ...(u.agentVersion !== undefined ? { agentVersion: u.agentVersion } : {}),
          ...(u.protocolVersion !== undefined ? { protocolVersion: u.protocolVersion } : {}),
        },
        ids: [],
      };
      group.ids.push(u.pcId);
      groups.set(key, group);
    }
    for (const { values, ids } of groups.values()) {
      await tx
        .update(pcs)
        .set({ ...values, lastHeartbeatAt: now, offlineFlaggedAt: null, updatedAt: now })
        .where(anyOf(pcs.id, ids));
    }
  }

  /** Which of these device credentials are active on a PC that is not retired: credential id → PC id. */
  async activeCredentials(credentialIds: string[]): Promise<Map<string, string>> {
    if (!credentialIds.length) return new Map();
    const rows = await this.db
      .select({ id: deviceCredentials.id, pcId: deviceCredentials.pcId })
      .from(deviceCredentials)
      .innerJoin(pcs, eq(pcs.id, deviceCredentials.pcId))
      .where(and(anyOf(deviceCredentials.id, credentialIds), isNull(deviceCredentials.revokedAt), isNull(pcs.retiredAt)));
    return new Map(rows.map((r) => [r.id, r.pcId]));
  }

  /**
   * Everything an agent handshake needs in one query: the credential is active, the PC not
   * retired, its LAN center and currency (welcome config), and its live session.
   */
  async handshakeContext(credentialId: string, pcId: string) {
    const [row] = await this.handshakeQuery.execute({ credentialId, pcId });
    return row;
  }

  /** Agent PCs silent since `cutoff` that are not flagged yet. */
  async silentSince(cutoff: Date) {
    return this.db
      .select({ id: pcs.id })
      .from(pcs)
      .where(
        and(
          eq(pcs.requiresAgent, true),
          isNull(pcs.retiredAt),
          isNull(pcs.offlineFlaggedAt),
          notInArray(pcs.status, ['OFFLINE', 'MAINTENANCE'] satisfies PcStatus[]),
          lt(pcs.lastHeartbeatAt, cutoff),
        ),
      );
  }

  /** Flags one silent PC offline; the condition makes it happen once even with several instances. */
  async flagOffline(tx: Tx, pcId: string, cutoff: Date, now: Date) {
    const [row] = await tx
      .update(pcs)
      .set({ status: 'OFFLINE', offlineFlaggedAt: now, updatedAt: now })
      .where(and(eq(pcs.id, pcId), isNull(pcs.offlineFlaggedAt), lt(pcs.lastHeartbeatAt, cutoff)))
      .returning();
    return row;
  }

  async markNeedsReconciliation(tx: Tx, sessionId: string): Promise<void> {
    await tx.update(sessions).set({ needsReconciliation: true, updatedAt: new Date() }).where(eq(sessions.id, sessionId));
  }

  async insertNotification(values: typeof notifications.$inferInsert, tx?: Tx): Promise<void> {
    await (tx ?? this.db).insert(notifications).values(values);
  }

  async findEvent(pcId: string, eventId: string) {
    const [row] = await this.db
      .select({ eventId: agentEvents.eventId })
      .from(agentEvents)
      .where(and(eq(agentEvents.pcId, pcId), eq(agentEvents.eventId, eventId)));
    return row;
  }

  /** Which of these event ids this PC already had applied (one query per sync batch). */
  async findEvents(pcId: string, eventIds: string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const rows = await this.db
      .select({ eventId: agentEvents.eventId })
      .from(agentEvents)
      .where(and(eq(agentEvents.pcId, pcId), anyOf(agentEvents.eventId, eventIds)));
    return new Set(rows.map((r) => r.eventId));
  }

  async insertEvent(values: typeof agentEvents.$inferInsert): Promise<void> {
    await this.insertEvents([values]);
  }

  /** One statement with one JSON parameter, however many events (a replay sends batches of 100). */
  /** Returns the ids it stored (the others were there already). */
  async insertEvents(values: (typeof agentEvents.$inferInsert)[]): Promise<Set<string>> {
    if (!values.length) return new Set();
    // jsonb refuses NUL characters; an agent's text may carry one (it would be refused forever).
    const rows = JSON.stringify(
      values.map((v) => ({ pc_id: v.pcId, event_id: v.eventId, type: v.type, payload: v.payload ?? {}, result: v.result ?? null })),
      (_key, value: unknown) => (typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value),
    );
    const result = await this.db.execute(sql`
      insert into ${agentEvents} (pc_id, event_id, type, payload, result)
      select x.pc_id, x.event_id, x.type, x.payload, x.result
      from jsonb_to_recordset(${rows}::jsonb) as x(pc_id uuid, event_id uuid, type text, payload jsonb, result jsonb)
      on conflict do nothing
      returning event_id`);
    return new Set(rowsOf<{ event_id: string }>(result).map((r) => r.event_id));
  }
}
