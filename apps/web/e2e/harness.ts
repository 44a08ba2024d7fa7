/**
 * Real server + real Chromium for the console's end-to-end tests.
 * The server is the built `apps/server/dist/main.js` (run `npm run build` first), on a random
 * free port with a fresh temporary DATA_DIR; Chromium is Debian's /usr/bin/chromium driven by
 * playwright-core (no browser is ever downloaded).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const screenshotDir = path.join(repoRoot, 'artifacts/screenshots');
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js');
const webOut = path.join(repoRoot, 'apps/web/out/index.html');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The built server as a child process, on a fixed port and data dir so it can be stopped and started again. */
export interface ServerProcess {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** Everything the server printed, across restarts. */
  log: () => string;
  running: () => boolean;
  /** SIGTERM (graceful), SIGKILL after 5 s. */
  stop: () => Promise<void>;
  /** Starts it again on the same port and data dir; resolves once /health answers. */
  start: () => Promise<void>;
}

export interface ServerOptions {
  port?: number;
  dataDir?: string;
  env?: Record<string, string>;
}

export async function startServer(opts: ServerOptions = {}): Promise<ServerProcess> {
  for (const f of [serverMain, webOut])
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'econtrol-web-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = '';
  let child: ChildProcess | null = null;

  const start = async () => {
    const server = spawn(process.execPath, [serverMain], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${log}`);
      try {
        const res = await fetch(`${baseUrl}/health`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${log}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };

  const stop = async () => {
    const server = child;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  return {
    baseUrl,
    port,
    dataDir,
    log: () => log,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    stop,
    start,
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Harness {
  baseUrl: string;
  browser: Browser;
  stop: () => Promise<void>;
  serverLog: () => string;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);
  const server = await startServer();
  const browser = await launchBrowser();
  mkdirSync(screenshotDir, { recursive: true });

  return {
    baseUrl: server.baseUrl,
    browser,
    serverLog: server.log,
    stop: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(h: { browser: Browser }): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-PE' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  // Let toasts/animations settle visually; the content itself is already waited for.
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

/** The routes the running server exposes (some money/session routes land later). */
export async function apiRoutes(baseUrl: string): Promise<Set<string>> {
  const res = await fetch(`${baseUrl}/api/openapi.json`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  const out = new Set<string>();
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops)) out.add(`${m.toUpperCase()} ${p}`);
  return out;
}
