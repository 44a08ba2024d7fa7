import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { type TariffDto, type TariffInput, type timePackageInputSchema, type timePackageSchema, timeRuleSchema } from '@econtrol/contracts';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import { AuditService } from '../audit/audit.service.js';
import { ZonesService } from '../zones/zones.service.js';
import { TariffsRepository, type TariffRow, type TimePackageRow } from './tariffs.repository.js';

type TimePackage = z.infer<typeof timePackageSchema>;

export const toTariff = (row: TariffRow): TariffDto => ({
  id: row.id,
  zoneId: row.zoneId,
  name: row.name,
  ratePerHourMinor: row.ratePerHourMinor,
  memberRatePerHourMinor: row.memberRatePerHourMinor,
  granularity: row.granularity,
  minimumChargeMinor: row.minimumChargeMinor,
  rules: timeRuleSchema.array().parse(row.rules),
  effectiveFrom: row.effectiveFrom.toISOString(),
  effectiveTo: row.effectiveTo?.toISOString() ?? null,
});

const toPackage = (row: TimePackageRow): TimePackage => ({
  id: row.id,
  name: row.name,
  seconds: row.seconds,
  priceMinor: row.priceMinor,
  zoneIds: row.zoneIds as string[],
  validDays: row.validDays as number[],
  ...(row.validStart ? { validStart: row.validStart } : {}),
  ...(row.validEnd ? { validEnd: row.validEnd } : {}),
  ...(row.validForDays ? { validForDays: row.validForDays } : {}),
  active: row.active,
});

/**
 * Zone tariffs are versioned: a change closes the current row and opens a new one. Running sessions
 * keep the snapshot they started with (documented S9 rule), so a change never reprices them.
 */
@Injectable()
export class TariffsService {
  constructor(
    @Inject(TariffsRepository) private readonly repo: TariffsRepository,
    @Inject(ZonesService) private readonly zones: ZonesService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async current(actor: Actor, zoneId: string): Promise<TariffDto | null> {
    await this.zones.get(actor, zoneId);
    const row = await this.repo.current(zoneId);
    return row ? toTariff(row) : null;
  }

  async history(actor: Actor, zoneId: string): Promise<TariffDto[]> {
    await this.zones.get(actor, zoneId);
    return (await this.repo.history(zoneId)).map(toTariff);
  }

  async set(actor: Actor, zoneId: string, input: TariffInput): Promise<TariffDto> {
    const zone = await this.zones.get(actor, zoneId);
    const { organizationId } = orgOf(actor);
    if (input.minimumChargeMinor > 0 && input.ratePerHourMinor === 0 && !input.memberRatePerHourMinor) {
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'ratePerHourMinor', code: 'zero_rate', message: 'A zero rate with a minimum charge makes no sense' }]);
    }
    const row = await this.repo.transaction(async (tx) => {
      const previous = await this.repo.current(zoneId, tx);
      const now = new Date();
      await this.repo.closeCurrent(tx, zoneId, now);
      const created = await this.repo.insert(tx, {
        organizationId,
        zoneId,
        name: input.name,
        ratePerHourMinor: input.ratePerHourMinor,
        memberRatePerHourMinor: input.memberRatePerHourMinor ?? null,
        granularity: input.granularity,
        minimumChargeMinor: input.minimumChargeMinor,
        rules: input.rules,
        effectiveFrom: now,
        createdBy: actor.userId,
      });
      await this.audit.record(
        {
          organizationId,
          lanCenterId: zone.lanCenterId,
          actor,
          action: 'tariff.set',
          entityType: 'zone',
          entityId: zoneId,
          details: { previous: previous ? toTariff(previous) : null, next: toTariff(created) },
        },
        tx,
      );
      return created;
    });
    return toTariff(row);
  }

  async listPackages(actor: Actor): Promise<TimePackage[]> {
    return (await this.repo.listPackages(orgOf(actor).organizationId)).map(toPackage);
  }

  async createPackage(actor: Actor, input: z.infer<typeof timePackageInputSchema>): Promise<TimePackage> {
    const { organizationId } = orgOf(actor);
    for (const zoneId of input.zoneIds) await this.zones.get(actor, zoneId);
    const row = await this.repo.insertPackage({ ...input, organizationId, validStart: input.validStart ?? null, validEnd: input.validEnd ?? null, validForDays: input.validForDays ?? null });
    await this.audit.record({ organizationId, actor, action: 'time_package.create', entityType: 'time_package', entityId: row.id, details: { name: input.name, priceMinor: input.priceMinor, seconds: input.seconds } });
    return toPackage(row);
  }

  async updatePackage(actor: Actor, id: string, input: Partial<z.infer<typeof timePackageInputSchema>>): Promise<TimePackage> {
    const { organizationId } = orgOf(actor);
    for (const zoneId of input.zoneIds ?? []) await this.zones.get(actor, zoneId);
    const row = await this.repo.updatePackage(organizationId, id, input);
    if (!row) throw notFound('time_package');
    await this.audit.record({ organizationId, actor, action: 'time_package.update', entityType: 'time_package', entityId: id, details: { fields: Object.keys(input) } });
    return toPackage(row);
  }
}
