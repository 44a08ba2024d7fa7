import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { eq } from 'drizzle-orm';
import { roleSchema } from '@econtrol/contracts';
import { CONFIG, type AppConfig } from '../config/config.js';
import { DB, type Db } from '../db/database.js';
import { platformSecrets } from '../db/schema.js';
import { AppError } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';

const ALG = 'ES256';
const ISSUER = 'econtrol';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface AccessClaims extends Actor {
  /** Hash of the CSRF token bound to a cookie session. */
  csrfHash?: string;
  kind: 'user' | 'device';
  pcId?: string;
  /** The login (refresh-token family) this access token belongs to. */
  sessionId?: string;
  /** Set on verified tokens. */
  issuedAtMs?: number;
}

/** Signs and verifies access tokens (ES256). The key pair is shared by every instance via the DB. */
@Injectable()
export class TokenService implements OnModuleInit {
  private keys?: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /** Loaded at boot: signing must never query the DB (it may run inside a transaction). */
  async onModuleInit(): Promise<void> {
    await this.loadKeys();
  }

  private loadKeys(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
    this.keys ??= (async () => {
      let jwk: JWK;
      if (this.config.JWT_PRIVATE_KEY) {
        jwk = JSON.parse(this.config.JWT_PRIVATE_KEY) as JWK;
      } else {
        const generated = await generateKeyPair(ALG, { extractable: true });
        const candidate = JSON.stringify(await exportJWK(generated.privateKey));
        await this.db
          .insert(platformSecrets)
          .values({ name: 'jwt_es256', value: candidate })
          .onConflictDoNothing();
        const [row] = await this.db
          .select()
          .from(platformSecrets)
          .where(eq(platformSecrets.name, 'jwt_es256'));
        jwk = JSON.parse(row!.value) as JWK;
      }
      const { d: _d, ...publicJwk } = jwk;
      return {
        privateKey: (await importJWK(jwk, ALG)) as CryptoKey,
        publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
      };
    })();
    return this.keys;
  }

  async signAccess(
    claims: AccessClaims,
    ttlSeconds = this.config.ACCESS_TOKEN_TTL_S,
  ): Promise<{ token: string; expiresAt: Date }> {
    const { privateKey } = await this.loadKeys();
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = await new SignJWT({
      role: claims.role,
      org: claims.organizationId,
      lans: claims.lanCenterIds,
      kind: claims.kind,
      ...(claims.csrfHash ? { csrf: claims.csrfHash } : {}),
      ...(claims.pcId ? { pc: claims.pcId } : {}),
      ...(claims.sessionId ? { sid: claims.sessionId } : {}),
      at: Date.now(),
    })
      .setProtectedHeader({ alg: ALG })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(privateKey);
    return { token, expiresAt };
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const { publicKey } = await this.loadKeys();
    try {
      const { payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, algorithms: [ALG] });
      const role = roleSchema.parse(payload.role);
      return {
        userId: String(payload.sub),
        role,
        organizationId: typeof payload.org === 'string' ? payload.org : null,
        lanCenterIds: Array.isArray(payload.lans) ? payload.lans.map(String) : [],
        kind: payload.kind === 'device' ? 'device' : 'user',
        ...(typeof payload.csrf === 'string' ? { csrfHash: payload.csrf } : {}),
        ...(typeof payload.pc === 'string' ? { pcId: payload.pc } : {}),
        ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}),
        ...(typeof payload.at === 'number' ? { issuedAtMs: payload.at } : {}),
      };
    } catch {
      throw new AppError('TOKEN_INVALID');
    }
  }
}
