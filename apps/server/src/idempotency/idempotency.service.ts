import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeySchema } from '@econtrol/contracts';
import { spanishMessages, zodFields } from '../common/error.filter.js';
import { DB, type Db, type Tx } from '../db/database.js';
import { idempotencyKeys } from '../db/schema.js';
import { AppError } from '../common/app-error.js';

export interface Stored<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What a key remembers of its request: a replay with a different one is refused. */
export function requestHashOf(scope: string, request: unknown): string {
  return createHash('sha256').update(`${scope}\n${canonical(request)}`).digest('hex');
}

/** Parses the Idempotency-Key header: required and well-formed on money-moving routes. */
export function requireIdempotencyKey(header: string | string[] | undefined): string {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  const parsed = idempotencyKeySchema.safeParse(raw);
  if (!parsed.success) {
    const spanish = idempotencyKeySchema.safeParse(raw, { error: spanishMessages });
    const fields = zodFields(parsed.error, spanish.error).map((f) => ({ ...f, path: 'Idempotency-Key' }));
    throw new AppError('VALIDATION_FAILED', undefined, fields.slice(0, 1));
  }
  return parsed.data;
}

/**
 * Runs `work` once per (organization, key). The key row is inserted in the same transaction as the
 * money move, so a concurrent duplicate waits on the unique index and then replays the stored
 * result; a failed attempt rolls the key back with everything else.
 */
@Injectable()
export class IdempotencyService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async run<T>(organizationId: string, key: string, scope: string, request: unknown, work: (tx: Tx) => Promise<{ status: number; body: T }>): Promise<Stored<T>> {
    const requestHash = requestHashOf(scope, request);
    // No look-up before the transaction: the key insert below is the check (a completed key
    // conflicts at once and is replayed; an in-flight one makes us wait for its outcome).
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ organizationId, key, scope, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length === 0) {
        const again = await this.lookup<T>(organizationId, key, requestHash, tx);
        if (again) return again;
        throw new AppError('IDEMPOTENCY_IN_PROGRESS');
      }
      const result = await work(tx);
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: result.status, responseBody: result.body, completedAt: sql`now()` })
        .where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
      return { ...result, replayed: false };
    });
  }

  private async lookup<T>(organizationId: string, key: string, requestHash: string, tx?: Tx): Promise<Stored<T> | null> {
    const [row] = await (tx ?? this.db)
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)))
      .limit(1);
    if (!row) return null;
    if (row.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (row.responseStatus === null) return null;
    return { status: row.responseStatus, body: row.responseBody as T, replayed: true };
  }
}
