import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgSession } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The rows of a raw `execute()` (node-postgres and PGlite both answer `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
/**
 * Runs a raw statement as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call (half the cost of a big CTE). PGlite runs it as is. Uses
 * drizzle's own session, so its logger and type parsers apply. The name carries a hash of the text,
 * since one name must always mean one text on a connection.
 */
export async function executePrepared<T>(db: Db | Tx, name: string, query: SQL): Promise<T[]> {
  const internal = db as unknown as { dialect: PgDialect; session: PgSession };
  const built = internal.dialect.sqlToQuery(query);
  const named = `${name}_${createHash('sha1').update(built.sql).digest('hex').slice(0, 12)}`;
  return rowsOf<T>(await internal.session.prepareQuery(built, undefined, named, false).execute());
}

export const DB = Symbol('DB');
export const DATABASE = Symbol('DATABASE');

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// pg returns bigint (int8) as string by default; our money fits in a JS safe integer.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 out of safe range: ${v}`);
  return n;
});

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
  /** An already-open PGlite (tests load a migrated snapshot). */
  pglite?: PGlite;
  migrate?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10, options.migrate ?? true);
  let client = options.pglite;
  if (!client) {
    const dir = options.dataDir ?? './data';
    mkdirSync(dir, { recursive: true });
    client = await PGlite.create(`${dir}/pgdata`);
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (options.migrate ?? true) await migratePglite(db as never, { migrationsFolder });
  const owned = !options.pglite;
  return {
    kind: 'pglite',
    db,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (owned) await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number, migrate: boolean): Promise<Database> {
  if (migrate) await migratePostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Runs migrations under an advisory lock so several instances can boot at once. */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const db = drizzlePg(client, { schema });
    await db.execute(sql`select pg_advisory_lock(727274)`);
    try {
      await migratePg(db, { migrationsFolder });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(727274)`);
    }
  } finally {
    await client.end();
  }
}
