/**
 * Process-level test harness: a real listening server (in this process, on a real port) and real
 * agent processes (`AgentProcess`, see agent-process.ts).
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../db/database.js';
import { pcs } from '../../db/schema.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import type { OrgFixture } from '../../testing/factories.js';

export { AGENT_BUNDLE, AgentProcess, sleep, waitUntil, type AgentStartOptions, type AgentStatus } from './agent-process.js';

/** Loose view of the JSON bodies the tests read (success or error). */
export interface ApiBody {
  id: string;
  status: string;
  code: string;
  chargedMinor: number;
  startedAt: string;
  accessToken: string;
  enrolled: boolean;
  pcId: string;
  deviceId: string;
  deviceSecret: string;
  error: { code: string; details: { sessionId: string } };
}

export interface LiveServer {
  app: TestApp;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts the real app on 127.0.0.1 (port 0 = any) over a shared database. */
export async function listen(overrides: Record<string, string>, database: Database, port = 0): Promise<LiveServer> {
  const app = await startTestApp(overrides, database);
  await app.running.app.listen({ port, host: '127.0.0.1' });
  const bound = (app.running.app.getHttpServer().address() as AddressInfo).port;
  return { app, port: bound, url: `http://127.0.0.1:${bound}`, close: () => app.close() };
}

export async function pairingCode(app: TestApp, org: OrgFixture, pcId: string): Promise<string> {
  const res = await app.request<ApiBody>('POST', `/api/v1/pcs/${pcId}/pairing-code`, { token: org.managerToken });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.code;
}

export async function pcRow(app: TestApp, pcId: string) {
  const [row] = await app.database.db.select().from(pcs).where(eq(pcs.id, pcId));
  return row!;
}

