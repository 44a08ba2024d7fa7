import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError } from '../common/app-error.js';
import { ROUTE_META, type RouteSpec } from '../common/route.js';
import { KV, type KeyValueStore } from '../kv/kv.js';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './cookies.js';
import { TokenService, sha256 } from './token.service.js';
import { DevicesRepository } from '../devices/devices.repository.js';
import { AccessRevocation } from './access-revocation.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Global guard: every route declares its roles with @Route; absent → denied. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(KV) private readonly kv: KeyValueStore,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(DevicesRepository) private readonly devices: DevicesRepository,
    @Inject(AccessRevocation) private readonly revocation: AccessRevocation,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const spec = Reflect.getMetadata(ROUTE_META, ctx.getHandler()) as RouteSpec | undefined;
    if (!spec) throw new AppError('FORBIDDEN', { reason: 'route has no access rule' });
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();

    if (spec.rateLimit === 'auth') await this.limit(`rl:auth:${request.ip}`, this.config.AUTH_RATE_LIMIT_PER_MIN);
    if (spec.rateLimit === 'device-token') {
      await this.limit(`rl:devtoken-ip:${request.ip}`, this.config.AGENT_TOKEN_RATE_LIMIT_PER_MIN);
      const deviceId = (request.body as { deviceId?: unknown } | undefined)?.deviceId;
      await this.limit(`rl:devtoken:${typeof deviceId === 'string' ? deviceId.slice(0, 64) : '-'}`, this.config.AUTH_RATE_LIMIT_PER_MIN);
    }

    const fromHeader = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const fromCookie = request.cookies[ACCESS_COOKIE];
    const token = fromHeader ?? fromCookie;

    if (spec.roles === 'public') {
      if (token) request.actor = await this.tokens.verifyAccess(token).catch(() => undefined);
      return true;
    }
    if (!token) throw new AppError('UNAUTHENTICATED');
    const claims = await this.tokens.verifyAccess(token);
    if (spec.roles === 'device') {
      // Header only (no cookies), and checked against the DB on every call: a retired PC or a
      // revoked credential is refused at once, not when its token expires.
      if (claims.kind !== 'device' || !claims.pcId || !fromHeader || !claims.organizationId)
        throw new AppError('FORBIDDEN');
      if (!(await this.devices.isActive(claims.userId, claims.pcId))) throw new AppError('PC_REVOKED');
      if (spec.rateLimit === 'device') await this.limit(`rl:device:${claims.pcId}`, this.config.AUTH_RATE_LIMIT_PER_MIN);
      request.device = {
        credentialId: claims.userId,
        pcId: claims.pcId,
        organizationId: claims.organizationId,
        lanCenterId: claims.lanCenterIds[0] ?? '',
      };
      return true;
    }
    if (claims.kind !== 'user') throw new AppError('FORBIDDEN');
    if (await this.revocation.isRevoked(claims)) throw new AppError('TOKEN_INVALID');

    if (!fromHeader && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const sent = Array.isArray(header) ? header[0] : header;
      const cookie = request.cookies[CSRF_COOKIE];
      if (!sent || sent !== cookie || !claims.csrfHash || sha256(sent) !== claims.csrfHash) {
        throw new AppError('CSRF_FAILED');
      }
    }
    if (!spec.roles.includes(claims.role)) throw new AppError('FORBIDDEN');
    request.actor = {
      userId: claims.userId,
      role: claims.role,
      organizationId: claims.organizationId,
      lanCenterIds: claims.lanCenterIds,
      ...(claims.sessionId ? { sessionId: claims.sessionId } : {}),
    };
    return true;
  }

  private async limit(bucket: string, perMinute: number): Promise<void> {
    if ((await this.kv.incr(bucket, 60)) > perMinute) throw new AppError('RATE_LIMITED', { retryAfterSeconds: 60 });
  }
}
