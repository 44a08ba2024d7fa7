import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';

export const ACCESS_COOKIE = 'ec_at';
export const REFRESH_COOKIE = 'ec_rt';
export const CSRF_COOKIE = 'ec_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function secure(config: AppConfig, request: FastifyRequest): boolean {
  if (config.COOKIE_SECURE === 'true') return true;
  if (config.COOKIE_SECURE === 'false') return false;
  return request.protocol === 'https';
}

export function setAuthCookies(
  reply: FastifyReply,
  request: FastifyRequest,
  config: AppConfig,
  tokens: { accessToken: string; refreshToken: string; csrfToken: string },
): void {
  const base = { secure: secure(config, request), sameSite: 'lax' as const };
  void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, {
    ...base,
    httpOnly: true,
    path: '/',
    maxAge: config.ACCESS_TOKEN_TTL_S,
  });
  void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    ...base,
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/v1/auth',
    maxAge: config.REFRESH_TOKEN_TTL_S,
  });
  void reply.setCookie(CSRF_COOKIE, tokens.csrfToken, {
    ...base,
    httpOnly: false,
    path: '/',
    maxAge: config.REFRESH_TOKEN_TTL_S,
  });
}

export function clearAuthCookies(reply: FastifyReply): void {
  void reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  void reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
