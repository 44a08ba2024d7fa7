/**
 * Real-process cluster for the scaled tests: server instances (`node apps/server/dist/main.js`)
 * on PostgreSQL + Redis, and Debian's nginx in front of them (sticky `hash $remote_addr
 * consistent`, WebSocket upgrade), all on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestOptions, TestApp, TestResponse } from '../../testing/test-app.js';
import { waitUntil } from './agent-harness.js';

export const SERVER_MAIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A TestApp-shaped HTTP client (the factories only call `request`). */
export function httpApp(baseUrl: string): TestApp {
  return {
    async request<T>(method: string, url: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await res.text();
      const body = (res.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as T) : (text as T);
      return { status: res.status, body, headers: Object.fromEntries(res.headers), cookies: [] };
    },
  } as TestApp;
}

export class ServerProcess {
  readonly logs: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve();
      }),
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.logs.push(line);
      if (this.logs.length > 500) this.logs.splice(0, this.logs.length - 500);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'econtrol-srv-'));
    const child = spawn(process.execPath, [SERVER_MAIN], {
      env: { PATH: process.env.PATH ?? '', HOME: dataDir, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const srv = new ServerProcess(child, port, dataDir);
    await waitUntil(
      async () => {
        if (!srv.alive) throw new Error(`server exited: ${srv.logs.slice(-20).join('\n')}`);
        return (await fetch(`${srv.url}/ready`)).ok;
      },
      30_000,
      `server on ${port} ready`,
      100,
    );
    return srv;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 8_000);
    await this.exited;
    clearTimeout(t);
  }
}

/** nginx in front of `ports` (sticky by client address); reports the upstream it chose. */
export class Nginx {
  private readonly exited: Promise<void>;
  readonly logs: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.on('data', (c: Buffer) => this.logs.push(c.toString()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static binary(): string {
    for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
      if (spawnSync(candidate, ['-v']).status === 0) return candidate;
    }
    throw new Error('nginx not found: apt-get install -y nginx-light (.ci/run installs it)');
  }

  static async start(ports: number[]): Promise<Nginx> {
    const bin = Nginx.binary();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'econtrol-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream econtrol {
    hash $remote_addr consistent;
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://econtrol;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_read_timeout 3600s;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout http_502;
      add_header X-Econtrol-Upstream $upstream_addr always;
    }
  }
}
`;
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const child = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const nginx = new Nginx(child, port, dir);
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${nginx.logs.join('')}`);
        return (await fetch(`${nginx.url}/health`)).ok;
      },
      10_000,
      'nginx',
      100,
    );
    return nginx;
  }

  /** The instance port nginx sends this machine's clients to (all of 127.0.0.1 hash alike). */
  async upstreamPort(): Promise<number> {
    const res = await fetch(`${this.url}/health`);
    const upstream = res.headers.get('x-econtrol-upstream') ?? '';
    const last = upstream.split(',').pop()!.trim();
    return Number(last.split(':').pop());
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGQUIT');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
