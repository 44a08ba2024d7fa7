/**
 * REST calls the agent makes to the server: enrollment, token renewal, lock-screen login.
 * Errors carry the server's stable error code (ErrorBody) so the UI can show the right message.
 */
import type {
  AgentEnrollRequest,
  AgentEnrollResponse,
  AgentLoginRequest,
  AgentLoginResponse,
  AgentTokenResponse,
  ErrorCode,
} from '@econtrol/contracts';
import { request as httpRequest } from 'node:http';
import { check, type Check } from '../protocol/check.js';
import {
  agentEnrollResponse,
  agentLoginResponse,
  agentTokenResponse,
  isErrorCode,
} from '../protocol/inbound.js';

export class ServerApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message?: string,
  ) {
    super(message ?? code);
  }
}

/** What the lock screen needs from the server; stubbed in tests, HTTP in production. */
export interface LoginGateway {
  login(request: AgentLoginRequest): Promise<AgentLoginResponse>;
}

export interface ServerApiOptions {
  baseUrl: string;
  /** Current access token (for /login); may renew it. */
  accessToken?: () => Promise<string>;
  timeoutMs?: number;
  /** Tests only; by default node:http(s) is used (fetch/undici costs the agent ~2 MB of RSS). */
  fetchImpl?: typeof fetch;
}

interface RawAnswer {
  status: number;
  text: string;
}

/** One JSON POST over node:http / node:https (loaded only for https URLs). */
async function postJson(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<RawAnswer> {
  const request = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export class ServerApi implements LoginGateway {
  constructor(private readonly o: ServerApiOptions) {}

  enroll(body: AgentEnrollRequest): Promise<AgentEnrollResponse> {
    return this.post('/api/v1/agent/enroll', body, agentEnrollResponse);
  }

  token(deviceId: string, deviceSecret: string): Promise<AgentTokenResponse> {
    return this.post('/api/v1/agent/token', { deviceId, deviceSecret }, agentTokenResponse);
  }

  async login(request: AgentLoginRequest): Promise<AgentLoginResponse> {
    const token = this.o.accessToken ? await this.o.accessToken() : undefined;
    return this.post('/api/v1/agent/login', request, agentLoginResponse, token);
  }

  private async post<T>(path: string, body: unknown, answer: Check<T>, token?: string): Promise<T> {
    const url = new URL(path, this.o.baseUrl);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: RawAnswer;
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    try {
      if (this.o.fetchImpl) {
        const r = await this.o.fetchImpl(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        res = { status: r.status, text: await r.text() };
      } else {
        res = await postJson(url, headers, JSON.stringify(body), timeoutMs);
      }
    } catch (error) {
      throw new ServerApiError('SERVICE_UNAVAILABLE', 0, `server unreachable: ${(error as Error).message}`);
    }
    const text = res.text;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: handled as an unexpected answer below
    }
    if (res.status < 200 || res.status >= 300) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code: ErrorCode = isErrorCode(err?.code)
        ? err.code
        : res.status >= 500
          ? 'SERVICE_UNAVAILABLE'
          : 'BAD_REQUEST';
      throw new ServerApiError(code, res.status, typeof err?.message === 'string' ? err.message : undefined);
    }
    const out = check(answer, json);
    if (!out.ok) throw new ServerApiError('INTERNAL_ERROR', res.status, 'unexpected server answer');
    return out.value;
  }
}
