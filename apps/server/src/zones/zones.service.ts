import { Inject, Injectable } from '@nestjs/common';
import type { Zone, createZoneSchema, updateZoneSchema } from '@econtrol/contracts';
import type { z } from 'zod';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan, orgOf } from '../common/tenancy.js';
import { uniqueViolation } from '../db/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { LanCentersService } from '../lan-centers/lan-centers.service.js';
import { ZonesRepository, type ZoneRow } from './zones.repository.js';

const toZone = (row: ZoneRow): Zone => ({
  id: row.id,
  lanCenterId: row.lanCenterId,
  name: row.name,
  description: row.description,
  position: row.position,
  color: row.color,
  pcCount: Number(row.pcCount),
});

@Injectable()
export class ZonesService {
  constructor(
    @Inject(ZonesRepository) private readonly repo: ZonesRepository,
    @Inject(LanCentersService) private readonly lans: LanCentersService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, lanCenterId: string): Promise<Zone[]> {
    await this.lans.get(actor, lanCenterId);
    return (await this.repo.list(orgOf(actor).organizationId, lanCenterId)).map(toZone);
  }

  async get(actor: Actor, id: string): Promise<Zone> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row || !canReachLan(actor, row.lanCenterId)) throw notFound('zone');
    return toZone(row);
  }

  async create(actor: Actor, lanCenterId: string, input: z.infer<typeof createZoneSchema>): Promise<Zone> {
    await this.lans.get(actor, lanCenterId);
    const org = orgOf(actor);
    try {
      const id = await this.repo.insert({ ...input, organizationId: org.organizationId, lanCenterId });
      await this.audit.record({
        organizationId: org.organizationId,
        lanCenterId,
        actor,
        action: 'zone.create',
        entityType: 'zone',
        entityId: id,
        details: { name: input.name },
      });
      return this.get(actor, id);
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('CONFLICT', { field: 'name' });
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: z.infer<typeof updateZoneSchema>): Promise<Zone> {
    const zone = await this.get(actor, id);
    try {
      await this.repo.update(orgOf(actor).organizationId, id, input);
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('CONFLICT', { field: 'name' });
      throw error;
    }
    await this.audit.record({
      organizationId: orgOf(actor).organizationId,
      lanCenterId: zone.lanCenterId,
      actor,
      action: 'zone.update',
      entityType: 'zone',
      entityId: id,
      details: { fields: Object.keys(input) },
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const zone = await this.get(actor, id);
    if (zone.pcCount > 0) throw new AppError('CONFLICT', { reason: 'zone has PCs' });
    await this.repo.delete(orgOf(actor).organizationId, id);
    await this.audit.record({
      organizationId: orgOf(actor).organizationId,
      lanCenterId: zone.lanCenterId,
      actor,
      action: 'zone.delete',
      entityType: 'zone',
      entityId: id,
    });
  }
}
