import { Inject, Injectable } from '@nestjs/common';
import { type LanCenter, lanCenterSettingsSchema, currencySchema } from '@econtrol/contracts';
import type { z } from 'zod';
import type { createLanCenterSchema, updateLanCenterSchema } from '@econtrol/contracts';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan, orgOf, slugify } from '../common/tenancy.js';
import { uniqueViolation } from '../db/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { LanCentersRepository, type LanCenterRow } from './lan-centers.repository.js';

export function toLanCenter(row: LanCenterRow): LanCenter {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    slug: row.slug,
    address: row.address,
    city: row.city,
    country: row.country,
    timezone: row.timezone,
    currency: currencySchema.catch('PEN').parse(row.currency),
    status: row.status,
    settings: lanCenterSettingsSchema.parse(row.settings ?? {}),
    createdAt: row.createdAt.toISOString(),
  };
}

@Injectable()
export class LanCentersService {
  constructor(
    @Inject(LanCentersRepository) private readonly repo: LanCentersRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(actor: Actor): Promise<LanCenter[]> {
    const org = orgOf(actor);
    const rows = await this.repo.list(
      org.organizationId,
      actor.role === 'MANAGER' ? undefined : actor.lanCenterIds,
    );
    return rows.map(toLanCenter);
  }

  /** The LAN center if the caller may reach it; 404 otherwise (never says whether it exists elsewhere). */
  async get(actor: Actor, id: string): Promise<LanCenter> {
    const org = orgOf(actor);
    const row = canReachLan(actor, id) ? await this.repo.find(org.organizationId, id) : undefined;
    if (!row) throw notFound('lan_center');
    return toLanCenter(row);
  }

  async create(actor: Actor, input: z.infer<typeof createLanCenterSchema>): Promise<LanCenter> {
    const org = orgOf(actor);
    try {
      const id = await this.repo.insert({
        organizationId: org.organizationId,
        name: input.name,
        slug: input.slug ?? slugify(input.name),
        address: input.address ?? null,
        city: input.city ?? null,
        country: input.country,
        timezone: input.timezone,
        settings: lanCenterSettingsSchema.parse(input.settings ?? {}),
      });
      await this.audit.record({
        organizationId: org.organizationId,
        lanCenterId: id,
        actor,
        action: 'lan_center.create',
        entityType: 'lan_center',
        entityId: id,
      });
      return toLanCenter((await this.repo.find(org.organizationId, id))!);
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('SLUG_TAKEN');
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: z.infer<typeof updateLanCenterSchema>): Promise<LanCenter> {
    const org = orgOf(actor);
    const current = await this.get(actor, id);
    const { settings, ...rest } = input;
    try {
      const ok = await this.repo.update(org.organizationId, id, {
        ...rest,
        ...(settings
          ? { settings: lanCenterSettingsSchema.parse({ ...current.settings, ...settings }) }
          : {}),
      });
      if (!ok) throw notFound('lan_center');
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('SLUG_TAKEN');
      throw error;
    }
    await this.audit.record({
      organizationId: org.organizationId,
      lanCenterId: id,
      actor,
      action: 'lan_center.update',
      entityType: 'lan_center',
      entityId: id,
      details: { fields: Object.keys(input) },
    });
    return this.get(actor, id);
  }
}
