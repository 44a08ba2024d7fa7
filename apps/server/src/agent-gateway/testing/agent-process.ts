/**
 * One real agent process (`node apps/agent/dist/agent.mjs`, own data dir, own local API port) and
 * the polling helpers the process-level tests share. No server imports: the console's browser
 * end-to-end tests (apps/web/e2e) use it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENT_BUNDLE = fileURLToPath(new URL('../../../../agent/dist/agent.mjs', import.meta.url));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  /** Local API port (0 = any free port). */
  port?: number;
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
    const args = [AGENT_BUNDLE, '--server', o.serverUrl, '--data-dir', dataDir, '--port', String(o.port ?? 0)];
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
