/**
 * Local API for the lock screen / overlay on 127.0.0.1:<port> (node:http, no framework).
 *
 * "localhost" is NOT trusted: any web page open in the PC's browser can send requests here, and a
 * DNS-rebinding page can even read answers. So:
 * - Host must be exactly `127.0.0.1:<port>` or `localhost:<port>` (else 421): defeats DNS rebinding.
 * - Origin, when present, must be our own origin (else 403); `Sec-Fetch-Site: cross-site` → 403.
 * - Every API call except `GET /health` needs the per-boot random token (`X-Agent-Token`, else 401).
 *   Only the UI page carries it, and the page is served only to same-origin/direct navigations
 *   (cross-origin readers cannot read it: no CORS headers, `frame-ancestors 'none'`).
 * - POST bodies must be `application/json` (≤ 16 KB), which forces a CORS preflight for any
 *   cross-origin caller, and that preflight is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentLoginRequest, ErrorCode, Locale, ShopProduct } from '@econtrol/contracts';
import type { ConnectionStatus } from '../connection/agent-connection.js';
import { bool, check, object } from '../protocol/check.js';
import { errorCatalog } from '../protocol/contracts-values.js';
import { agentLoginRequest, extendRequest, orderRequest } from '../protocol/inbound.js';
import type { SessionStatusView } from '../session/session-manager.js';
import { renderPage } from './ui-page.js';

export interface StaffMessage {
  id: string;
  text: string;
  from: string | null;
  atMs: number;
}

export interface LocalStatus {
  session: SessionStatusView;
  connection: ConnectionStatus;
  locked: boolean;
  lockMessage: string | null;
  messages: StaffMessage[];
}

export interface LocalSettings {
  locale: Locale;
  currency: string;
  lanCenterName: string;
  pcName: string;
  /** The LAN center's IANA zone: the lock screen's clock shows its time, not the PC's zone. */
  timezone: string;
  shopProducts: ShopProduct[];
}

export type ActionResult<T = Record<string, unknown>> =
  ({ ok: true } & T) | { ok: false; code: ErrorCode; message?: string };

/** What the local API asks of the agent; implemented by the Agent, faked in tests. */
export interface LocalApiBackend {
  status(): LocalStatus;
  settings(): LocalSettings;
  login(request: AgentLoginRequest): Promise<ActionResult<{ sessionId: string }>>;
  requestExtension(minutes: number): ActionResult;
  order(items: { productId: string; quantity: number }[], note?: string): ActionResult<{ orderId: string }>;
  endByCustomer(): Promise<ActionResult>;
}

export interface LocalApiOptions {
  backend: LocalApiBackend;
  port: number;
  host?: string;
  /** Per-boot token; random when omitted. */
  token?: string;
  agentVersion: string;
  protocolVersion: number;
  log?: (msg: string) => void;
  /**
   * Opt-in diagnostics: shown in `GET /health`; `POST /diagnostics/reset` and
   * `POST /diagnostics/probes {"on": boolean}` (token).
   */
  diagnostics?: { snapshot(): object; reset(): void; probes(on: boolean): void };
}

const MAX_BODY = 16 * 1024;
const probesRequest = object({ on: bool });

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? code);
  }
}

export class LocalApi {
  readonly token: string;
  private server: Server | null = null;
  private boundPort: number;

  constructor(private readonly o: LocalApiOptions) {
    this.token = o.token ?? randomBytes(32).toString('base64url');
    this.boundPort = o.port;
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.o.log?.(`local api error: ${(error as Error).message}`);
        if (!res.headersSent) this.sendError(res, 500, 'INTERNAL_ERROR');
        else res.end();
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
    return this.boundPort;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private allowedHosts(): Set<string> {
    return new Set([`127.0.0.1:${this.boundPort}`, `localhost:${this.boundPort}`]);
  }

  private allowedOrigins(): Set<string> {
    return new Set([`http://127.0.0.1:${this.boundPort}`, `http://localhost:${this.boundPort}`]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.allowedHosts().has(host)) return this.sendError(res, 421, 'BAD_REQUEST', 'Wrong Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedOrigins().has(origin.toLowerCase())) {
      return this.sendError(res, 403, 'FORBIDDEN', 'Foreign Origin');
    }
    if (req.headers['sec-fetch-site'] === 'cross-site')
      return this.sendError(res, 403, 'FORBIDDEN', 'Cross-site request');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (
      method === 'GET' &&
      (path === '/' || path === '/index.html' || path === '/lock' || path === '/overlay')
    ) {
      return this.sendPage(res);
    }
    if (method === 'GET' && path === '/health') {
      return this.sendJson(res, 200, {
        ok: true,
        agentVersion: this.o.agentVersion,
        protocolVersion: this.o.protocolVersion,
        ...(this.o.diagnostics ? { diagnostics: this.o.diagnostics.snapshot() } : {}),
      });
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (method === 'POST' && path.startsWith('/diagnostics/') && this.o.diagnostics) {
      if (!this.checkToken(req))
        return this.sendError(res, 401, 'UNAUTHENTICATED', 'Missing or wrong agent token');
      if (path === '/diagnostics/reset') {
        this.o.diagnostics.reset();
        return this.sendJson(res, 200, { ok: true });
      }
      if (path === '/diagnostics/probes') {
        const parsed = check(probesRequest, await readJson(req));
        if (!parsed.ok) return this.sendError(res, 400, 'VALIDATION_FAILED', parsed.message);
        this.o.diagnostics.probes(parsed.value.on);
        return this.sendJson(res, 200, { ok: true });
      }
    }
    const known = ROUTES.has(`${method} ${path}`);
    if (!known) {
      const pathKnown = [...ROUTES].some((r) => r.endsWith(` ${path}`));
      return this.sendError(res, pathKnown ? 405 : 404, pathKnown ? 'BAD_REQUEST' : 'NOT_FOUND');
    }
    if (!this.checkToken(req))
      return this.sendError(res, 401, 'UNAUTHENTICATED', 'Missing or wrong agent token');
    const b = this.o.backend;
    try {
      switch (`${method} ${path}`) {
        case 'GET /session/status':
          return this.sendJson(res, 200, b.status());
        case 'GET /settings':
          return this.sendJson(res, 200, b.settings());
        case 'POST /session/login': {
          const parsed = check(agentLoginRequest, await readJson(req));
          if (!parsed.ok) return this.sendError(res, 400, 'VALIDATION_FAILED', parsed.message);
          return this.sendResult(res, await b.login(parsed.value), 200);
        }
        case 'POST /session/extend': {
          const parsed = check(extendRequest, await readJson(req));
          if (!parsed.ok) return this.sendError(res, 400, 'VALIDATION_FAILED', parsed.message);
          return this.sendResult(res, b.requestExtension(parsed.value.minutes), 202);
        }
        case 'POST /store/order': {
          const parsed = check(orderRequest, await readJson(req));
          if (!parsed.ok) return this.sendError(res, 400, 'VALIDATION_FAILED', parsed.message);
          return this.sendResult(res, b.order(parsed.value.items, parsed.value.note), 202);
        }
        case 'POST /session/end':
          await readJson(req);
          return this.sendResult(res, await b.endByCustomer(), 200);
        default:
          return this.sendError(res, 404, 'NOT_FOUND');
      }
    } catch (error) {
      if (error instanceof HttpError) return this.sendError(res, error.status, error.code, error.message);
      throw error;
    }
  }

  private checkToken(req: IncomingMessage): boolean {
    const given = req.headers['x-agent-token'];
    if (typeof given !== 'string' || given.length === 0) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private sendPage(res: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    const html = renderPage({ token: this.token, locale: this.o.backend.settings().locale, nonce });
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
    });
    res.end(html);
  }

  private sendResult(res: ServerResponse, r: ActionResult<object>, okStatus: number): void {
    if (r.ok) return this.sendJson(res, okStatus, r);
    return this.sendError(res, errorCatalog[r.code].status, r.code, r.message);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
    res.end(text);
  }

  private sendError(res: ServerResponse, status: number, code: ErrorCode, detail?: string): void {
    const d = errorCatalog[code];
    this.sendJson(res, status, {
      error: {
        code,
        status,
        message: d.es,
        messages: { es: d.es, en: d.en },
        ...(detail ? { details: { reason: detail } } : {}),
      },
    });
  }
}

const ROUTES = new Set([
  'GET /session/status',
  'GET /settings',
  'POST /session/login',
  'POST /session/extend',
  'POST /store/order',
  'POST /session/end',
]);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'PAYLOAD_TOO_LARGE');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (type !== 'application/json')
    throw new HttpError(400, 'BAD_REQUEST', 'Content-Type must be application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'Invalid JSON');
  }
}
