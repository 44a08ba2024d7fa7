import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { configSchema, type AppConfig } from '../config/config.js';
import { type Database, openDatabase } from '../db/database.js';
import { MemoryKeyValueStore, RedisKeyValueStore, type KeyValueStore } from '../kv/kv.js';
import { createApp, type RunningApp } from '../create-app.js';
import { Redis } from 'ioredis';

export interface TestResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  cookies: { name: string; value: string }[];
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
}

export interface TestApp {
  running: RunningApp;
  database: Database;
  config: AppConfig;
  request<T = any>(method: string, url: string, options?: RequestOptions): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

/** Opens the run's shared test database (PGlite snapshot or PostgreSQL). Caller closes it. */
export async function openTestDatabase(): Promise<{ database: Database; close: () => Promise<void> }> {
  if (inject('dbMode') === 'postgres') {
    const database = await openDatabase({ url: inject('postgresUrl'), migrate: false, poolSize: 10 });
    return { database, close: () => database.close() };
  }
  const snapshot = readFileSync(inject('pgliteSnapshot'));
  const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
  const database = await openDatabase({ pglite, migrate: false });
  return {
    database,
    close: async () => {
      await database.close();
      await pglite.close();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return configSchema.parse({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_MIN: '100000',
    ...overrides,
  });
}

/** A real app (real DB, real HTTP stack through fastify.inject). */
export async function startTestApp(overrides: Record<string, string> = {}, shared?: Database): Promise<TestApp> {
  const db = shared ? { database: shared, close: () => Promise.resolve() } : await openTestDatabase();
  const config = testConfig(overrides);
  const redisUrl = inject('redisUrl');
  const kv: KeyValueStore = redisUrl
    ? new RedisKeyValueStore(new Redis(redisUrl), `ectest:${inject('runId')}:${Math.random().toString(36).slice(2)}:`)
    : new MemoryKeyValueStore();
  const running = await createApp({ config, database: db.database, kv });
  const fastify = running.app.getHttpAdapter().getInstance();
  return {
    running,
    database: db.database,
    config,
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await fastify.inject({
        method: method as 'GET',
        url,
        headers,
        ...(options.cookies ? { cookies: options.cookies } : {}),
        ...(options.body !== undefined ? { payload: options.body as object } : {}),
      });
      const text = response.body;
      let body: unknown = text;
      if ((response.headers['content-type'] ?? '').toString().includes('json') && text) body = JSON.parse(text);
      return {
        status: response.statusCode,
        body: body as any,
        headers: response.headers as Record<string, string | string[] | undefined>,
        cookies: response.cookies.map((c) => ({ name: c.name, value: c.value })),
      };
    },
    async close() {
      await running.close();
      await kv.close();
      await db.close();
    },
  };
}
