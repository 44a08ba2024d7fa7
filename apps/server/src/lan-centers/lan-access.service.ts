import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan, orgOf } from '../common/tenancy.js';
import { LanCentersRepository } from './lan-centers.repository.js';

/**
 * Checks a LAN center id that a client sent: it must be the caller's (another company's → 404).
 * Managers' tokens list their LAN centers at sign-in; a newer one is checked in the database.
 */
@Injectable()
export class LanAccess {
  constructor(@Inject(LanCentersRepository) private readonly repo: LanCentersRepository) {}

  async assert(actor: Actor, lanCenterId: string): Promise<void> {
    if (!canReachLan(actor, lanCenterId)) throw notFound('lan_center');
    if (actor.lanCenterIds.includes(lanCenterId)) return;
    if (!(await this.repo.find(orgOf(actor).organizationId, lanCenterId))) throw notFound('lan_center');
  }
}
