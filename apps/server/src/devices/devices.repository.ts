import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { DB, type Db, type Tx } from '../db/database.js';
import { deviceCredentials, lanCenters, organizations, pairingCodes, pcs, users } from '../db/schema.js';

export type DeviceCredentialRow = typeof deviceCredentials.$inferSelect;

@Injectable()
export class DevicesRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /** Claims an unused, unexpired pairing code of a live PC (conditional update: one winner). */
  async claimPairingCode(tx: Tx, codeHash: string, now: Date) {
    const [code] = await tx
      .update(pairingCodes)
      .set({ usedAt: now })
      .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
      .returning();
    if (!code) return undefined;
    const [pc] = await tx
      .select()
      .from(pcs)
      .where(and(eq(pcs.id, code.pcId), isNull(pcs.retiredAt)));
    return pc ? { code, pc } : undefined;
  }

  async revokeCredentials(tx: Tx, pcId: string, now: Date): Promise<void> {
    await tx
      .update(deviceCredentials)
      .set({ revokedAt: now })
      .where(and(eq(deviceCredentials.pcId, pcId), isNull(deviceCredentials.revokedAt)));
  }

  async insertCredential(tx: Tx, values: typeof deviceCredentials.$inferInsert): Promise<DeviceCredentialRow> {
    const [row] = await tx.insert(deviceCredentials).values(values).returning();
    return row!;
  }

  async setAgentVersion(tx: Tx, pcId: string, agentVersion: string): Promise<void> {
    await tx.update(pcs).set({ agentVersion, updatedAt: new Date() }).where(eq(pcs.id, pcId));
  }

  /** The credential with its PC (retired or not). */
  async credential(id: string) {
    const [row] = await this.db
      .select({ credential: deviceCredentials, pc: pcs })
      .from(deviceCredentials)
      .innerJoin(pcs, eq(pcs.id, deviceCredentials.pcId))
      .where(eq(deviceCredentials.id, id));
    return row;
  }

  async touchCredential(id: string): Promise<void> {
    await this.db.update(deviceCredentials).set({ lastUsedAt: new Date() }).where(eq(deviceCredentials.id, id));
  }

  /** True while the credential is active and its PC not retired: the check behind "revoked at once". */
  async isActive(credentialId: string, pcId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: deviceCredentials.id })
      .from(deviceCredentials)
      .innerJoin(pcs, eq(pcs.id, deviceCredentials.pcId))
      .where(
        and(
          eq(deviceCredentials.id, credentialId),
          eq(deviceCredentials.pcId, pcId),
          isNull(deviceCredentials.revokedAt),
          isNull(pcs.retiredAt),
        ),
      );
    return row !== undefined;
  }

  /** PC with its LAN center and organization, for the agent's configuration. */
  async pcContext(pcId: string) {
    const [row] = await this.db
      .select({ pc: pcs, lan: lanCenters, currency: organizations.currency })
      .from(pcs)
      .innerJoin(lanCenters, eq(lanCenters.id, pcs.lanCenterId))
      .innerJoin(organizations, eq(organizations.id, pcs.organizationId))
      .where(and(eq(pcs.id, pcId), isNull(pcs.retiredAt)));
    return row;
  }

  async customerByLogin(organizationId: string, login: string) {
    const value = login.trim().toLowerCase();
    const [row] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.organizationId, organizationId), eq(users.username, value), eq(users.role, 'CLIENT')))
      .limit(1);
    return row;
  }
}
