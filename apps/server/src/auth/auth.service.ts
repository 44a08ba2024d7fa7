import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthResponse, LoginRequest, SessionUser } from '@econtrol/contracts';
import { localeSchema } from '@econtrol/contracts';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { AuditService } from '../audit/audit.service.js';
import type { Tx } from '../db/database.js';
import { AuthRepository, type UserRow } from './auth.repository.js';
import { verifyPassword } from './passwords.js';
import { TokenService, randomToken, sha256 } from './token.service.js';
import { AccessRevocation } from './access-revocation.service.js';

export interface ClientInfo {
  ip: string;
  userAgent?: string | undefined;
  requestId?: string;
}

export interface IssuedSession {
  response: AuthResponse;
  accessToken: string;
  refreshToken: string;
  csrfToken: string;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(AuthRepository) private readonly repo: AuthRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(AccessRevocation) private readonly revocation: AccessRevocation,
  ) {}

  async login(input: LoginRequest, client: ClientInfo): Promise<IssuedSession> {
    const user = await this.repo.findByLogin(input.login);
    const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || user.disabledAt) throw new AppError('INVALID_CREDENTIALS');
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      throw new AppError('ACCOUNT_LOCKED', { lockedUntil: user.lockedUntil.toISOString() });
    }
    if (!valid) {
      const { count, locked } = await this.repo.recordFailure(
        user.id,
        this.config.LOGIN_MAX_FAILURES,
        this.config.LOGIN_LOCK_S,
      );
      if (locked) {
        await this.audit.record({
          organizationId: user.organizationId,
          actor: null,
          action: 'auth.account_locked',
          entityType: 'user',
          entityId: user.id,
          ip: client.ip,
          ...(client.requestId ? { requestId: client.requestId } : {}),
          details: { failedAttempts: count, lockSeconds: this.config.LOGIN_LOCK_S },
        });
        throw new AppError('ACCOUNT_LOCKED');
      }
      throw new AppError('INVALID_CREDENTIALS');
    }
    await this.repo.recordSuccess(user.id);
    await this.audit.record({
      organizationId: user.organizationId,
      actor: { userId: user.id, role: user.role },
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      ip: client.ip,
    });
    return this.issue(user, randomUUID(), client);
  }

  /** Creates a session (new refresh-token family unless one is given). */
  async issue(user: UserRow, familyId: string, client: ClientInfo, tx?: Tx): Promise<IssuedSession> {
    const lanCenterIds = await this.repo.lanCenterIdsFor(user, tx);
    const csrfToken = randomToken(24);
    const { token: accessToken, expiresAt } = await this.tokens.signAccess({
      userId: user.id,
      role: user.role,
      organizationId: user.organizationId,
      lanCenterIds,
      kind: 'user',
      csrfHash: sha256(csrfToken),
      sessionId: familyId,
    });
    const refreshToken = randomToken(32);
    await this.repo.insertRefreshToken(
      {
        userId: user.id,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_S * 1000),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
      },
      tx,
    );
    return {
      accessToken,
      refreshToken,
      csrfToken,
      response: {
        user: toSessionUser(user, lanCenterIds),
        accessTokenExpiresAt: expiresAt.toISOString(),
      },
    };
  }

  /** Rotates the refresh token; a second use of an old one revokes the whole family. */
  async refresh(refreshToken: string | undefined, client: ClientInfo): Promise<IssuedSession> {
    if (!refreshToken) throw new AppError('TOKEN_INVALID');
    const row = await this.repo.findRefreshToken(sha256(refreshToken));
    if (!row) throw new AppError('TOKEN_INVALID');
    if (row.usedAt || row.revokedAt || !(await this.repo.consumeRefreshToken(row.id))) {
      await this.repo.revokeFamily(row.familyId);
      await this.revocation.revokeSession(row.familyId);
      const user = await this.repo.findById(row.userId);
      await this.audit.record({
        organizationId: user?.organizationId ?? null,
        actor: user ? { userId: user.id, role: user.role } : null,
        action: row.revokedAt && !row.usedAt ? 'auth.refresh_revoked' : 'auth.refresh_reuse_detected',
        entityType: 'user',
        entityId: row.userId,
        ip: client.ip,
        details: { familyId: row.familyId },
      });
      throw new AppError(row.revokedAt && !row.usedAt ? 'TOKEN_INVALID' : 'TOKEN_REUSED');
    }
    if (row.expiresAt.getTime() <= Date.now()) throw new AppError('TOKEN_INVALID');
    const user = await this.repo.findById(row.userId);
    if (!user || user.disabledAt) throw new AppError('TOKEN_INVALID');
    return this.issue(user, row.familyId, client);
  }

  async logout(
    refreshToken: string | undefined,
    actor: Actor | undefined,
    client: ClientInfo,
  ): Promise<void> {
    if (refreshToken) {
      const row = await this.repo.findRefreshToken(sha256(refreshToken));
      if (row) {
        await this.repo.revokeFamily(row.familyId);
        await this.revocation.revokeSession(row.familyId);
        const user = await this.repo.findById(row.userId);
        await this.audit.record({
          organizationId: user?.organizationId ?? null,
          actor: user ? { userId: user.id, role: user.role } : null,
          action: 'auth.logout',
          entityType: 'user',
          entityId: row.userId,
          ip: client.ip,
        });
        return;
      }
    }
    if (actor) {
      if (actor.sessionId) await this.revocation.revokeSession(actor.sessionId);
      await this.audit.record({
        organizationId: actor.organizationId,
        actor,
        action: 'auth.logout',
        entityType: 'user',
        entityId: actor.userId,
        ip: client.ip,
      });
    }
  }

  async me(actor: Actor): Promise<SessionUser> {
    const user = await this.repo.findById(actor.userId);
    if (!user || user.disabledAt) throw new AppError('UNAUTHENTICATED');
    return toSessionUser(user, await this.repo.lanCenterIdsFor(user));
  }
}

export function toSessionUser(user: UserRow, lanCenterIds: string[]): SessionUser {
  return {
    id: user.id,
    organizationId: user.organizationId,
    role: user.role,
    name: user.name,
    email: user.email,
    username: user.username,
    locale: localeSchema.catch('es').parse(user.locale),
    lanCenterIds,
  };
}
