import { type ErrorBody, type FieldError } from '@econtrol/contracts';
import { API_BASE, STORAGE_KEYS } from './config';

/** Codes the client itself produces (never sent by the server). */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messages: { es: string; en: string };
  readonly fields: FieldError[];
  readonly requestId: string | undefined;

  constructor(init: {
    code: string;
    status: number;
    messages: { es: string; en: string };
    fields?: FieldError[];
    requestId?: string;
  }) {
    super(init.messages.en);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.messages = init.messages;
    this.fields = init.fields ?? [];
    this.requestId = init.requestId;
  }

  localized(locale: string): string {
    return locale === 'en' ? this.messages.en : this.messages.es;
  }
}

const networkError = (): ApiError =>
  new ApiError({
    code: 'NETWORK_ERROR',
    status: 0,
    messages: {
      es: 'No se pudo conectar con el servidor. Revisa la conexión.',
      en: 'Could not reach the server. Check the connection.',
    },
  });

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** CSRF token: the readable `ec_csrf` cookie (same origin) or the last token the API returned. */
export function csrfToken(): string | null {
  return (
    readCookie('ec_csrf') ??
    (typeof sessionStorage !== 'undefined' ? sessionStorage.getItem(STORAGE_KEYS.csrf) : null)
  );
}

export function rememberCsrf(token: string | undefined): void {
  if (token && typeof sessionStorage !== 'undefined') sessionStorage.setItem(STORAGE_KEYS.csrf, token);
}

export function forgetCsrf(): void {
  if (typeof sessionStorage !== 'undefined') sessionStorage.removeItem(STORAGE_KEYS.csrf);
}

type Listener = () => void;
const expiredListeners = new Set<Listener>();
/** Called when the session cannot be refreshed any more (the user must sign in again). */
export function onSessionExpired(fn: Listener): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Sent as Idempotency-Key: generate it once per user intent (e.g. when the form opens). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Internal: do not try to refresh on 401. */
  noRefresh?: boolean;
}

async function parseError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error?.code) {
      return new ApiError({
        code: body.error.code,
        status: body.error.status ?? res.status,
        messages: body.error.messages ?? { es: body.error.message, en: body.error.message },
        ...(body.error.fields ? { fields: body.error.fields } : {}),
        ...(body.error.requestId ? { requestId: body.error.requestId } : {}),
      });
    }
  } catch {
    // fall through
  }
  return new ApiError({
    code: 'BAD_RESPONSE',
    status: res.status,
    messages: {
      es: `Respuesta inesperada del servidor (HTTP ${res.status}).`,
      en: `Unexpected server response (HTTP ${res.status}).`,
    },
  });
}

const noRefreshPaths = new Set(['/auth/login', '/auth/refresh', '/auth/logout', '/signup']);

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time, shared by every request that got TOKEN_INVALID. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await rawFetch('/auth/refresh', {
        method: 'POST',
        body: { tokenMode: 'cookie' },
        noRefresh: true,
      });
      if (!res.ok) return false;
      const data = (await res.json()) as { csrfToken?: string };
      rememberCsrf(data.csrfToken);
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => {
        refreshing = null;
      }, 0);
    }
  })();
  return refreshing;
}

async function rawFetch(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  if (typeof document !== 'undefined')
    headers['Accept-Language'] = document.documentElement.lang.startsWith('en') ? 'en' : 'es';

  let url = `${API_BASE}${path}`;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query))
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  try {
    return await fetch(url, {
      method,
      headers,
      credentials: 'include',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError();
  }
}

/** Calls the eControl API. Resolves with the parsed JSON body, rejects with ApiError. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await rawFetch(path, opts);
  if (res.status === 401 && !opts.noRefresh) {
    const err = await parseError(res.clone());
    // TOKEN_INVALID: expired access token. UNAUTHENTICATED: the browser already dropped the
    // expired access cookie; the refresh cookie may still be good. Auth calls never loop.
    if ((err.code === 'TOKEN_INVALID' || err.code === 'UNAUTHENTICATED') && !noRefreshPaths.has(path)) {
      if (await refreshSession()) {
        res = await rawFetch(path, opts);
      } else {
        expiredListeners.forEach((fn) => fn());
        throw err;
      }
    }
  }
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError({
      code: 'BAD_RESPONSE',
      status: res.status,
      messages: { es: 'Respuesta inválida del servidor.', en: 'Invalid server response.' },
    });
  }
}
