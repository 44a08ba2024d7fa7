import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type AppConfig } from '../config/config.js';
import { KV, type KeyValueStore } from '../kv/kv.js';

/**
 * Access tokens are short-lived JWTs; these marks (kept as long as an access token lives, in Redis
 * when configured so every instance sees them) end them before they expire.
 */
@Injectable()
export class AccessRevocation {
  constructor(
    @Inject(KV) private readonly kv: KeyValueStore,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** The access tokens of one login (refresh-token family) stop working now: logout, theft. */
  revokeSession(sessionId: string): Promise<void> {
    return this.kv.set(`revoked:sid:${sessionId}`, '1', this.config.ACCESS_TOKEN_TTL_S);
  }

  /** Every access token the user holds stops working now (disabled, role, LAN centers or password changed). */
  revokeUser(userId: string): Promise<void> {
    return this.kv.set(`revoked:user:${userId}`, String(Date.now()), this.config.ACCESS_TOKEN_TTL_S);
  }

  async isRevoked(claims: { userId: string; sessionId?: string; issuedAtMs?: number }): Promise<boolean> {
    const [session, user] = await this.kv.mget([`revoked:sid:${claims.sessionId ?? '-'}`, `revoked:user:${claims.userId}`]);
    return session !== null || (user !== null && (claims.issuedAtMs ?? 0) <= Number(user));
  }
}
