import { Inject, Injectable } from '@nestjs/common';
import { DB, type Db, type Tx } from '../db/database.js';
import { auditLogs } from '../db/schema.js';
import type { Actor } from '../common/actor.js';

export interface AuditEntry {
  organizationId: string | null;
  lanCenterId?: string | null;
  actor?: Pick<Actor, 'userId' | 'role'> | null;
  action: string;
  entityType?: string;
  entityId?: string;
  ip?: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

/** Append-only audit trail of sensitive actions. Pass `tx` to write it atomically with the change. */
@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    await (tx ?? this.db).insert(auditLogs).values({
      organizationId: entry.organizationId,
      lanCenterId: entry.lanCenterId ?? null,
      actorId: entry.actor?.userId ?? null,
      actorRole: entry.actor?.role ?? null,
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId ?? null,
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
      details: entry.details ?? {},
    });
  }
}
