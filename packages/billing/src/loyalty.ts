import { BillingInputError } from './errors.js';
import type { LoyaltyRule } from './types.js';
import { assertNonNegativeInt } from './validate.js';

/**
 * Points earned for spending `amountMinor`:
 *   floor(amountMinor × pointsPerUnit × tierMultiplierPercent / (unitMinor × 100))
 * computed exactly (bigint), rounded down once. Partial units count toward the total
 * (10 points per 1.00 on 2.50 → 25), but a fraction of a point is never awarded.
 */
export function loyaltyPoints(amountMinor: number, rule: LoyaltyRule): number {
  assertNonNegativeInt(amountMinor, 'amountMinor');
  if (typeof rule !== 'object' || rule === null) throw new BillingInputError('loyalty rule is required');
  assertNonNegativeInt(rule.pointsPerUnit, 'pointsPerUnit');
  assertNonNegativeInt(rule.unitMinor, 'unitMinor');
  if (rule.unitMinor === 0) throw new BillingInputError('unitMinor must be positive');
  const tier = rule.tierMultiplierPercent ?? 100;
  assertNonNegativeInt(tier, 'tierMultiplierPercent');
  const points =
    (BigInt(amountMinor) * BigInt(rule.pointsPerUnit) * BigInt(tier)) / (BigInt(rule.unitMinor) * 100n);
  if (points > BigInt(Number.MAX_SAFE_INTEGER))
    throw new BillingInputError('loyalty points exceed the safe range');
  return Number(points);
}
