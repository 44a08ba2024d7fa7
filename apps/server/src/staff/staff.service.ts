import { Inject, Injectable } from '@nestjs/common';
import type { createStaffSchema, staffMemberSchema, updateStaffSchema } from '@econtrol/contracts';
import type { z } from 'zod';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import { rethrowUserUnique } from '../db/errors.js';
import { hashPassword } from '../auth/passwords.js';
import { AuditService } from '../audit/audit.service.js';
import { AccessRevocation } from '../auth/access-revocation.service.js';
import { StaffRepository, type StaffRow } from './staff.repository.js';

type StaffMember = z.infer<typeof staffMemberSchema>;

const toStaff = (row: StaffRow): StaffMember => ({
  id: row.id,
  name: row.name,
  email: row.email,
  username: row.username,
  role: row.role === 'MANAGER' ? 'MANAGER' : 'CASHIER',
  lanCenterIds: row.lanCenterIds,
  disabled: row.disabledAt !== null,
  createdAt: row.createdAt.toISOString(),
});


@Injectable()
export class StaffService {
  constructor(
    @Inject(StaffRepository) private readonly repo: StaffRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AccessRevocation) private readonly revocation: AccessRevocation,
  ) {}

  async list(actor: Actor): Promise<StaffMember[]> {
    return (await this.repo.list(orgOf(actor).organizationId)).map(toStaff);
  }

  async get(actor: Actor, id: string): Promise<StaffMember> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row) throw notFound('staff');
    return toStaff(row);
  }

  private async checkLans(organizationId: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if ((await this.repo.countLanCenters(organizationId, unique)) !== unique.length) {
      throw new AppError('VALIDATION_FAILED', undefined, [
        { path: 'lanCenterIds', code: 'not_found', message: 'Unknown LAN center' },
      ]);
    }
  }

  async create(actor: Actor, input: z.infer<typeof createStaffSchema>): Promise<StaffMember> {
    const { organizationId } = orgOf(actor);
    await this.checkLans(organizationId, input.lanCenterIds);
    const passwordHash = await hashPassword(input.password);
    let id: string;
    try {
      id = await this.repo.transaction(async (tx) => {
        const userId = await this.repo.insertUser(tx, {
          organizationId,
          role: input.role,
          name: input.name,
          email: input.email ?? null,
          username: input.username,
          passwordHash,
          locale: input.locale,
        });
        await this.repo.setLanCenters(tx, organizationId, userId, input.role, [
          ...new Set(input.lanCenterIds),
        ]);
        await this.audit.record(
          {
            organizationId,
            actor,
            action: 'staff.create',
            entityType: 'user',
            entityId: userId,
            details: { role: input.role },
          },
          tx,
        );
        return userId;
      });
    } catch (error) {
      rethrowUserUnique(error);
    }
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, input: z.infer<typeof updateStaffSchema>): Promise<StaffMember> {
    const { organizationId } = orgOf(actor);
    const current = await this.get(actor, id);
    if (id === actor.userId && (input.disabled || (input.role && input.role !== current.role))) {
      throw new AppError('FORBIDDEN', { reason: 'cannot demote or disable yourself' });
    }
    if (input.lanCenterIds) await this.checkLans(organizationId, input.lanCenterIds);
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    await this.repo.transaction(async (tx) => {
      await this.repo.updateUser(tx, organizationId, id, {
        ...(input.name ? { name: input.name } : {}),
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabledAt: input.disabled ? new Date() : null } : {}),
        ...(passwordHash ? { passwordHash, failedLoginCount: 0, lockedUntil: null } : {}),
      });
      if (input.lanCenterIds || input.role) {
        await this.repo.setLanCenters(tx, organizationId, id, input.role ?? current.role, [
          ...new Set(input.lanCenterIds ?? current.lanCenterIds),
        ]);
      }
      await this.audit.record(
        {
          organizationId,
          actor,
          action: 'staff.update',
          entityType: 'user',
          entityId: id,
          details: {
            fields: Object.keys(input).filter((k) => k !== 'password'),
            passwordChanged: Boolean(passwordHash),
          },
        },
        tx,
      );
    });
    // the old access tokens carry the old role and LAN centers: they end now (a refresh gets new ones)
    if (input.disabled || input.role || input.lanCenterIds || passwordHash) await this.revocation.revokeUser(id);
    return this.get(actor, id);
  }
}
