import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migratePostgres, openDatabase } from '../db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbMode: 'pglite' | 'postgres';
    pgliteSnapshot: string;
    postgresUrl: string;
    redisUrl: string;
    runId: string;
  }
}

/**
 * Medium tests share one migrated database per run: a PGlite snapshot each test file loads, or a
 * fresh PostgreSQL database (TEST_DATABASE_URL) dropped at the end. Tests isolate by tenant.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = randomBytes(4).toString('hex');
  project.provide('runId', runId);
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? '');
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `econtrol_test_${Date.now()}_${runId}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await migratePostgres(url.toString());
    project.provide('dbMode', 'postgres');
    project.provide('postgresUrl', url.toString());
    project.provide('pgliteSnapshot', '');
    return async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'econtrol-pglite-'));
  const pglite = await PGlite.create();
  const database = await openDatabase({ pglite });
  const dump = await pglite.dumpDataDir('none');
  await database.close();
  await pglite.close();
  const file = join(dir, 'snapshot.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('dbMode', 'pglite');
  project.provide('pgliteSnapshot', file);
  project.provide('postgresUrl', '');
  return () => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  };
}
