/**
 * Process-level test harness: a real listening server (in this process, on a real port) and real
 * agent processes (`node apps/agent/dist/agent.mjs`, own data dir, own local API port).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../db/database.js';
import { pcs } from '../../db/schema.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import type { OrgFixture } from '../../testing/factories.js';

export const AGENT_BUNDLE = fileURLToPath(new URL('../../../../agent/dist/agent.mjs', import.meta.url));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

export async function waitUntil<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await sleep(everyMs);
  }
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

export interface AgentStatus {
  session: {
    phase: 'locked' | 'in_session' | 'paused' | 'resuming';
    sessionId: string | null;
    usedSeconds: number;
    costMinor: number;
    balanceLeftMinor: number | null;
    timeLeftSeconds: number | null;
  };
  connection: string;
  locked: boolean;
  lockMessage: string | null;
}

export interface AgentStartOptions {
  serverUrl: string;
  dataDir?: string;
  pairingCode?: string;
  env?: Record<string, string>;
}

/** One real agent process. */
export class AgentProcess {
  readonly logs: string[] = [];
  port = 0;
  token = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.logs.push(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  static newDataDir(): string {
    return mkdtempSync(join(tmpdir(), 'econtrol-agent-'));
  }

  static async start(o: AgentStartOptions): Promise<AgentProcess> {
    const dataDir = o.dataDir ?? AgentProcess.newDataDir();
    const args = [AGENT_BUNDLE, '--server', o.serverUrl, '--data-dir', dataDir, '--port', '0'];
    if (o.pairingCode) args.push('--pairing-code', o.pairingCode);
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dataDir,
        ECONTROL_AGENT_RECONNECT_MAX_MS: '1000',
        ECONTROL_AGENT_RESUME_GRACE_MS: '3000',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(child, dataDir);
    const line = await waitUntil(() => agent.logs.find((l) => l.includes('local UI on http://127.0.0.1:')), 10_000, 'agent local API', 25);
    agent.port = Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
    const page = await (await fetch(`http://127.0.0.1:${agent.port}/`)).text();
    agent.token = /"token":"([^"]+)"/.exec(page)![1]!;
    return agent;
  }

  async status(): Promise<AgentStatus> {
    const res = await fetch(`http://127.0.0.1:${this.port}/session/status`, { headers: { 'x-agent-token': this.token } });
    if (!res.ok) throw new Error(`status ${res.status}`);
    return (await res.json()) as AgentStatus;
  }

  waitFor(pred: (s: AgentStatus) => boolean, timeoutMs: number, what: string): Promise<AgentStatus> {
    return waitUntil(async () => {
      const s = await this.status();
      return pred(s) ? s : undefined;
    }, timeoutMs, `agent: ${what}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops the process (SIGTERM, then SIGKILL) and removes its data dir unless kept. */
  async dispose(keepData = false): Promise<void> {
    if (this.child.signalCode === 'SIGSTOP') this.child.kill('SIGCONT');
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(t);
    }
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
