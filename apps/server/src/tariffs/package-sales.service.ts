import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { packageSaleSchema, sellPackageSchema } from '@econtrol/contracts';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { orgOf } from '../common/tenancy.js';
import { customerPackages } from '../db/schema.js';
import { IdempotencyService, type Stored } from '../idempotency/idempotency.service.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService, toTransaction } from '../ledger/ledger.service.js';
import { LanAccess } from '../lan-centers/lan-access.service.js';
import { TariffsRepository } from './tariffs.repository.js';

type PackageSale = z.infer<typeof packageSaleSchema>;

/** Sells a time package: paid from the balance (ledger row) or at the counter (into the shift). */
@Injectable()
export class PackageSalesService {
  constructor(
    @Inject(TariffsRepository) private readonly tariffs: TariffsRepository,
    @Inject(LedgerRepository) private readonly ledgerRepo: LedgerRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
    @Inject(LanAccess) private readonly lanAccess: LanAccess,
  ) {}

  async sell(actor: Actor, customerId: string, key: string, input: z.infer<typeof sellPackageSchema>): Promise<Stored<PackageSale>> {
    const { organizationId } = orgOf(actor);
    await this.lanAccess.assert(actor, input.lanCenterId);
    return this.idempotency.run<PackageSale>(organizationId, key, `package:${customerId}`, input, async (tx) => {
      const pkg = await this.tariffs.findPackage(organizationId, input.packageId, tx);
      if (!pkg || !pkg.active) throw notFound('time_package');
      if (!(await this.ledgerRepo.lockAccount(tx, organizationId, customerId))) throw notFound('customer');
      const base = {
        organizationId,
        lanCenterId: input.lanCenterId,
        userId: customerId,
        type: 'STORE_PURCHASE' as const,
        actorId: actor.userId,
        reason: `Paquete: ${pkg.name}`,
        reference: pkg.id,
        idempotencyKey: key,
      };
      let row;
      if (input.paymentMethod === 'BALANCE') {
        row = (await this.ledger.post(tx, { ...base, paymentMethod: 'BALANCE', amountMinor: -pkg.priceMinor, tenderedMinor: 0 })).row;
      } else {
        const shift = await this.ledgerRepo.openShift(tx, organizationId, actor.userId, input.lanCenterId);
        if (!shift) throw new AppError('SHIFT_NOT_OPEN');
        row = await this.ledgerRepo.insertTransaction(tx, { ...base, paymentMethod: input.paymentMethod, amountMinor: 0, tenderedMinor: pkg.priceMinor, shiftId: shift.id });
      }
      const expiresAt = pkg.validForDays ? new Date(Date.now() + pkg.validForDays * 86_400_000) : null;
      const [holding] = await tx
        .insert(customerPackages)
        .values({ organizationId, userId: customerId, packageId: pkg.id, secondsRemaining: pkg.seconds, expiresAt })
        .returning();
      return {
        status: 201,
        body: { holdingId: holding!.id, packageId: pkg.id, secondsRemaining: pkg.seconds, expiresAt: expiresAt?.toISOString() ?? null, transaction: toTransaction(row) },
      };
    });
  }
}
