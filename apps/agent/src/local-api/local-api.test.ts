import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentLoginRequest } from '@econtrol/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerApi, ServerApiError } from '../connection/server-api.js';
import { LOCKED_STATUS } from '../session/session-manager.js';
import { LocalApi, type ActionResult, type LocalApiBackend } from './local-api.js';

const PRODUCT = '00000000-0000-4000-8000-0000000000aa';
const SESSION = '11111111-1111-4111-8111-111111111111';

/** A real HTTP server standing in for the eControl server's /api/v1/agent/login (fake backend). */
let fakeBackend: Server;
let backendUrl = '';
const backendCalls: { auth: string | undefined; body: unknown }[] = [];

let api: LocalApi;
let port = 0;
let active = false;
const backendStub = (gateway: ServerApi): LocalApiBackend => ({
  status: () => ({
    session: {
      ...LOCKED_STATUS,
      phase: active ? 'in_session' : 'locked',
      sessionId: active ? SESSION : null,
    },
    connection: 'online',
    locked: !active,
    lockMessage: null,
    messages: [],
  }),
  settings: () => ({
    locale: 'es',
    currency: 'PEN',
    lanCenterName: 'LAN',
    timezone: 'America/Lima',
    pcName: 'PC-03',
    shopProducts: [],
  }),
  login: async (req: AgentLoginRequest): Promise<ActionResult<{ sessionId: string }>> => {
    if (active) return { ok: false, code: 'PC_IN_USE' };
    try {
      const r = await gateway.login(req);
      return { ok: true, sessionId: r.sessionId };
    } catch (error) {
      if (error instanceof ServerApiError) return { ok: false, code: error.code };
      throw error;
    }
  },
  requestExtension: () => ({ ok: true }),
  order: () => ({ ok: true, orderId: '00000000-0000-4000-8000-0000000000bb' }),
  endByCustomer: () => Promise.resolve({ ok: true }),
});

beforeAll(async () => {
  fakeBackend = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as {
        kind: string;
        username?: string;
        password?: string;
        code?: string;
      };
      backendCalls.push({ auth: req.headers.authorization, body: parsed });
      res.setHeader('content-type', 'application/json');
      if (parsed.kind === 'account' && parsed.username === 'ana' && parsed.password === 'secreto123') {
        res.end(JSON.stringify({ sessionId: SESSION, displayName: 'Ana' }));
        return;
      }
      res.statusCode = 401;
      res.end(
        JSON.stringify({
          error: { code: 'INVALID_CREDENTIALS', status: 401, message: 'x', messages: { es: 'x', en: 'x' } },
        }),
      );
    });
  });
  await new Promise<void>((r) => fakeBackend.listen(0, '127.0.0.1', () => r()));
  backendUrl = `http://127.0.0.1:${(fakeBackend.address() as AddressInfo).port}`;
  const gateway = new ServerApi({
    baseUrl: backendUrl,
    accessToken: () => Promise.resolve('device-access-token'),
  });
  api = new LocalApi({ backend: backendStub(gateway), port: 0, agentVersion: 'test', protocolVersion: 1 });
  port = await api.listen();
});

afterAll(async () => {
  await api.close();
  await new Promise((r) => fakeBackend.close(r));
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => { error?: { code: string } } & Record<string, unknown>;
}
function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as ReturnType<Res['json']>,
          }),
        );
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
const tok = () => ({ 'x-agent-token': api.token });

describe('local API security', () => {
  it('diagnostics are off unless enabled; when on, /health shows them and only the token resets them', async () => {
    expect((await call('GET', '/health')).json().diagnostics).toBeUndefined();
    expect((await call('POST', '/diagnostics/reset', tok(), {})).status).toBe(404);
    let resets = 0;
    const probes: boolean[] = [];
    const diag = new LocalApi({
      backend: backendStub(new ServerApi({ baseUrl: backendUrl })),
      port: 0,
      agentVersion: 'test',
      protocolVersion: 1,
      diagnostics: {
        snapshot: () => ({ outboxBacklog: 3 }),
        reset: () => void resets++,
        probes: (on) => void probes.push(on),
      },
    });
    const diagPort = await diag.listen();
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${diagPort}/diagnostics/reset`, { method: 'POST', headers });
      const health = (await (await fetch(`http://127.0.0.1:${diagPort}/health`)).json()) as Record<
        string,
        unknown
      >;
      expect(health.diagnostics).toEqual({ outboxBacklog: 3 });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-agent-token': diag.token })).status).toBe(200);
      expect(resets).toBe(1);
      const setProbes = (headers: Record<string, string>, body: unknown) =>
        fetch(`http://127.0.0.1:${diagPort}/diagnostics/probes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      expect((await setProbes({}, { on: false })).status).toBe(401);
      expect((await setProbes({ 'x-agent-token': diag.token }, { on: 'no' })).status).toBe(400);
      expect((await setProbes({ 'x-agent-token': diag.token }, { on: false })).status).toBe(200);
      expect(probes).toEqual([false]);
    } finally {
      await diag.close();
    }
  });

  it('serves /health without a token but refuses a wrong Host (DNS rebinding)', async () => {
    expect((await call('GET', '/health')).json()).toMatchObject({ ok: true, protocolVersion: 1 });
    expect((await call('GET', '/health', { host: `localhost:${port}` })).status).toBe(200);
    const evil = await call('GET', '/health', { host: `evil.example:${port}` });
    expect(evil.status).toBe(421);
    expect((await call('GET', '/', { host: '127.0.0.1' })).status).toBe(421);
    expect((await call('GET', '/session/status', { ...tok(), host: `attacker.test:${port}` })).status).toBe(
      421,
    );
  });

  it('refuses a foreign Origin with 403, even with the right token', async () => {
    const r = await call(
      'POST',
      '/store/order',
      { ...tok(), origin: 'https://evil.example' },
      { items: [{ productId: PRODUCT, quantity: 1 }] },
    );
    expect(r.status).toBe(403);
    expect(r.json().error?.code).toBe('FORBIDDEN');
    expect((await call('GET', '/session/status', { ...tok(), origin: 'null' })).status).toBe(403);
    expect((await call('GET', '/', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call('OPTIONS', '/session/login', { origin: 'http://localhost:1' })).status).toBe(403);
    expect(
      (await call('GET', '/session/status', { ...tok(), origin: `http://127.0.0.1:${port}` })).status,
    ).toBe(200);
  });

  it('requires the per-boot token (401) on every API call', async () => {
    for (const [m, p] of [
      ['GET', '/session/status'],
      ['GET', '/settings'],
      ['POST', '/session/extend'],
      ['POST', '/store/order'],
      ['POST', '/session/login'],
      ['POST', '/session/end'],
    ] as const) {
      const r = await call(m, p, {}, m === 'POST' ? {} : undefined);
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(
        (await call(m, p, { 'x-agent-token': 'x'.repeat(api.token.length) }, m === 'POST' ? {} : undefined))
          .status,
      ).toBe(401);
    }
    expect((await call('GET', '/session/status', tok())).status).toBe(200);
    expect((await call('GET', '/nope', tok())).status).toBe(404);
  });

  it('embeds the token only in the page, with a strict CSP', async () => {
    const page = await call('GET', '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain(api.token);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.text).toContain('Código de invitado');
    expect((await call('GET', '/health')).text).not.toContain(api.token);
  });

  it("the page's script writes non-ASCII text as JS escapes the browser decodes (·, ñ, —), never as literal backslashes", async () => {
    const page = await call('GET', '/');
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(page.text)?.[1] ?? '';
    expect(script).toContain("join(' \\u00b7 ')");
    expect(script).not.toMatch(/\\\\u[0-9a-f]{4}/i);
    // Evaluated as the browser would, the separator is the middle dot.
    const separator = /join\('([^'"]*)'\)/.exec(script)?.[1] ?? '';
    expect(JSON.parse(`"${separator}"`)).toBe(' \u00b7 ');
  });

  it('validates bodies: JSON only, size-limited', async () => {
    expect(
      (await call('POST', '/session/extend', { ...tok(), 'content-type': 'text/plain' }, '{"minutes":30}'))
        .status,
    ).toBe(400);
    expect((await call('POST', '/session/extend', tok(), { minutes: 0 })).status).toBe(400);
    expect((await call('POST', '/session/extend', tok(), { minutes: 30 })).status).toBe(202);
    expect(
      (await call('POST', '/store/order', tok(), { items: [{ productId: PRODUCT, quantity: 2 }] })).status,
    ).toBe(202);
    expect((await call('POST', '/store/order', tok(), 'x'.repeat(20_000))).status).toBe(413);
  });
});

describe('lock-screen login forwarded to a fake backend (real local HTTP server)', () => {
  it('S7: empty or blank password / guest code is refused with 400 and never reaches the backend', async () => {
    backendCalls.length = 0;
    for (const body of [
      { kind: 'account', username: 'ana', password: '' },
      { kind: 'account', username: 'ana', password: '   ' },
      { kind: 'account', username: '', password: 'secreto123' },
      { kind: 'guest', code: '' },
      { kind: 'guest', code: ' \t ' },
      { kind: 'guest' },
      {},
    ]) {
      const r = await call('POST', '/session/login', tok(), body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json().error?.code).toBe('VALIDATION_FAILED');
    }
    expect(backendCalls).toEqual([]);
  });

  it('forwards a login with the device token; maps the backend error code', async () => {
    backendCalls.length = 0;
    const ok = await call('POST', '/session/login', tok(), {
      kind: 'account',
      username: 'ana',
      password: 'secreto123',
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, sessionId: SESSION });
    expect(backendCalls[0]?.auth).toBe('Bearer device-access-token');
    const bad = await call('POST', '/session/login', tok(), { kind: 'guest', code: 'ABC123' });
    expect(bad.status).toBe(401);
    expect(bad.json().error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('S1: while a session runs, a second login is refused with PC_IN_USE without asking the backend', async () => {
    backendCalls.length = 0;
    active = true;
    const r = await call('POST', '/session/login', tok(), {
      kind: 'account',
      username: 'ana',
      password: 'secreto123',
    });
    active = false;
    expect(r.status).toBe(409);
    expect(r.json().error?.code).toBe('PC_IN_USE');
    expect(backendCalls).toEqual([]);
  });
});
