/**
 * Local journal: one SQLite file (node:sqlite, WAL) holding
 * - `outbox`: every agent → server event, written before anything is sent, deleted only when the
 *   server acked it. `seq` is an AUTOINCREMENT key, so it is strictly increasing and never reused,
 *   even after deletions or restarts; replay order is `seq` order.
 * - `dead_letter`: events the server refused for good (`retryable: false`), kept for support.
 * - `session_state`: the running session, so SIGKILL or power loss loses at most about one tick
 *   (≈1 s) of billed time and the session resumes on restart (S2). The body is rewritten when the
 *   session changes; each tick only updates `tick_ms` (one small prepared UPDATE).
 * - `kv`: small settings (config, last server-time anchor, encrypted device credential, flags).
 *
 * Durability: WAL + synchronous=NORMAL. A committed transaction survives a process crash (SIGKILL);
 * on power loss the last transactions before the last WAL sync may be lost, which is the "≤ 2 s"
 * budget. State changes that must go together (session ended + its event) share one transaction.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AgentEvent, AgentEventBody } from '@econtrol/contracts';

export interface EventEnvelopeStamp {
  bootId: string;
  monotonicMs: number;
  wallMs: number;
  serverMs: number | null;
  anchorSource: 'server' | 'wall_estimate' | 'none';
}

export interface JournaledEvent {
  seq: number;
  eventId: string;
  type: string;
  event: AgentEvent;
}

export class Journal {
  readonly db: DatabaseSync;
  readonly path: string;
  private readonly stmt: {
    insert: StatementSync;
    peek: StatementSync;
    count: StatementSync;
    del: StatementSync;
    get: StatementSync;
    deadInsert: StatementSync;
    deadCount: StatementSync;
    delPendingType: StatementSync;
    kvGet: StatementSync;
    kvSet: StatementSync;
    kvDel: StatementSync;
    stateGet: StatementSync;
    stateSet: StatementSync;
    stateTick: StatementSync;
    stateDel: StatementSync;
  };

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        created_wall_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS dead_letter (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT,
        dead_wall_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS session_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, tick_ms INTEGER);
    `);
    const stateColumns = this.db.prepare("SELECT name FROM pragma_table_info('session_state')").all();
    if (!stateColumns.some((c) => c.name === 'tick_ms')) {
      this.db.exec('ALTER TABLE session_state ADD COLUMN tick_ms INTEGER');
    }
    this.stmt = {
      insert: this.db.prepare(
        'INSERT INTO outbox (event_id, type, body, created_wall_ms) VALUES (?, ?, ?, ?) RETURNING seq',
      ),
      peek: this.db.prepare(
        'SELECT seq, event_id, type, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      count: this.db.prepare('SELECT count(*) AS n FROM outbox'),
      del: this.db.prepare('DELETE FROM outbox WHERE event_id = ?'),
      get: this.db.prepare('SELECT seq, event_id, type, body FROM outbox WHERE event_id = ?'),
      deadInsert: this.db.prepare(
        'INSERT OR REPLACE INTO dead_letter (seq, event_id, type, body, code, message, dead_wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      deadCount: this.db.prepare('SELECT count(*) AS n FROM dead_letter'),
      delPendingType: this.db.prepare(
        'DELETE FROM outbox WHERE type = ? AND seq NOT IN (SELECT value FROM json_each(?))',
      ),
      kvGet: this.db.prepare('SELECT value FROM kv WHERE key = ?'),
      kvSet: this.db.prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      kvDel: this.db.prepare('DELETE FROM kv WHERE key = ?'),
      stateGet: this.db.prepare('SELECT body, tick_ms FROM session_state WHERE id = 1'),
      stateSet: this.db.prepare(
        'INSERT INTO session_state (id, body, tick_ms) VALUES (1, ?, NULL) ON CONFLICT(id) DO UPDATE SET body = excluded.body, tick_ms = NULL',
      ),
      stateTick: this.db.prepare('UPDATE session_state SET tick_ms = ? WHERE id = 1'),
      stateDel: this.db.prepare('DELETE FROM session_state WHERE id = 1'),
    };
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Writes an event to the outbox and returns it with its envelope (eventId, seq, clocks).
   * `coalesce`: drop older unsent events of the same type first (used for heartbeats: only the
   * latest one matters; in-flight ones listed in `keepSeqs` are left alone).
   */
  append(
    body: AgentEventBody,
    stamp: EventEnvelopeStamp,
    opts: { coalesce?: boolean; keepSeqs?: number[] } = {},
  ): JournaledEvent {
    const eventId = randomUUID();
    return this.transaction(() => {
      if (opts.coalesce) this.stmt.delPendingType.run(body.type, JSON.stringify(opts.keepSeqs ?? []));
      const partial = { eventId, ...stamp, ...body };
      const row = this.stmt.insert.get(eventId, body.type, JSON.stringify(partial), stamp.wallMs) as {
        seq: number;
      };
      const event = { ...partial, seq: row.seq } as AgentEvent;
      return { seq: row.seq, eventId, type: body.type, event };
    });
  }

  /** Oldest unacked events (after `afterSeq` when given), in seq order. */
  peek(limit: number, afterSeq = 0): JournaledEvent[] {
    const rows = this.stmt.peek.all(afterSeq, limit) as {
      seq: number;
      event_id: string;
      type: string;
      body: string;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      eventId: r.event_id,
      type: r.type,
      event: { ...(JSON.parse(r.body) as object), seq: r.seq } as AgentEvent,
    }));
  }

  pendingCount(): number {
    return (this.stmt.count.get() as { n: number }).n;
  }

  deadLetterCount(): number {
    return (this.stmt.deadCount.get() as { n: number }).n;
  }

  /** Server acked these events: delete them (unknown ids are ignored: acks may repeat). */
  ack(eventIds: readonly string[]): number {
    if (eventIds.length === 0) return 0;
    return this.transaction(() => {
      let n = 0;
      for (const id of eventIds) n += Number(this.stmt.del.run(id).changes);
      return n;
    });
  }

  /** Server refused this event for good: move it to the dead-letter table. */
  deadLetter(eventId: string, code: string, message?: string): void {
    this.transaction(() => {
      const row = this.stmt.get.get(eventId) as
        { seq: number; event_id: string; type: string; body: string } | undefined;
      if (!row) return;
      this.stmt.deadInsert.run(row.seq, row.event_id, row.type, row.body, code, message ?? null, Date.now());
      this.stmt.del.run(eventId);
    });
  }

  getKv(key: string): string | undefined {
    return (this.stmt.kvGet.get(key) as { value: string } | undefined)?.value;
  }

  setKv(key: string, value: string): void {
    this.stmt.kvSet.run(key, value);
  }

  deleteKv(key: string): void {
    this.stmt.kvDel.run(key);
  }

  getJson<T>(key: string): T | undefined {
    const v = this.getKv(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  setJson(key: string, value: unknown): void {
    this.setKv(key, JSON.stringify(value));
  }

  /** The saved session and the last tick recorded since (null: none since the body was saved). */
  loadSessionState<T>(): { state: T; tickMs: number | null } | undefined {
    const row = this.stmt.stateGet.get() as { body: string; tick_ms: number | null } | undefined;
    return row ? { state: JSON.parse(row.body) as T, tickMs: row.tick_ms } : undefined;
  }

  saveSessionState(state: unknown): void {
    this.stmt.stateSet.run(JSON.stringify(state));
  }

  /** Records a tick of the saved session without rewriting it. */
  saveSessionTick(tickMs: number): void {
    this.stmt.stateTick.run(tickMs);
  }

  clearSessionState(): void {
    this.stmt.stateDel.run();
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
