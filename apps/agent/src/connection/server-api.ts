/**
 * REST calls the agent makes to the server: enrollment, token renewal, lock-screen login.
 * Errors carry the server's stable error code (ErrorBody) so the UI can show the right message.
 */
import {
  agentEnrollResponseSchema,
  agentLoginResponseSchema,
  agentTokenResponseSchema,
  errorCodeSchema,
  type AgentEnrollRequest,
  type AgentEnrollResponse,
  type AgentLoginRequest,
  type AgentLoginResponse,
  type AgentTokenResponse,
  type ErrorCode,
} from '@econtrol/contracts';
import type { z } from 'zod';

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
  fetchImpl?: typeof fetch;
}

export class ServerApi implements LoginGateway {
  constructor(private readonly o: ServerApiOptions) {}

  enroll(body: AgentEnrollRequest): Promise<AgentEnrollResponse> {
    return this.post('/api/v1/agent/enroll', body, agentEnrollResponseSchema);
  }

  token(deviceId: string, deviceSecret: string): Promise<AgentTokenResponse> {
    return this.post('/api/v1/agent/token', { deviceId, deviceSecret }, agentTokenResponseSchema);
  }

  async login(request: AgentLoginRequest): Promise<AgentLoginResponse> {
    const token = this.o.accessToken ? await this.o.accessToken() : undefined;
    return this.post('/api/v1/agent/login', request, agentLoginResponseSchema, token);
  }

  private async post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    token?: string,
  ): Promise<z.infer<S>> {
    const url = new URL(path, this.o.baseUrl);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await (this.o.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ServerApiError('SERVICE_UNAVAILABLE', 0, `server unreachable: ${(error as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: handled as an unexpected answer below
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const parsed = errorCodeSchema.safeParse(err?.code);
      const code: ErrorCode = parsed.success
        ? parsed.data
        : res.status >= 500
          ? 'SERVICE_UNAVAILABLE'
          : 'BAD_REQUEST';
      throw new ServerApiError(code, res.status, typeof err?.message === 'string' ? err.message : undefined);
    }
    const out = schema.safeParse(json);
    if (!out.success) throw new ServerApiError('INTERNAL_ERROR', res.status, 'unexpected server answer');
    return out.data;
  }
}
