import { z } from 'zod';
import { hhmmSchema, isoDateTimeSchema, minorSchema, nameSchema, nonNegativeMinorSchema, positiveMinorSchema, uuidSchema } from './common.js';

export const transactionTypes = ['RECHARGE', 'SESSION_PAYMENT', 'STORE_PURCHASE', 'REFUND', 'PENALTY', 'LOYALTY_REWARD', 'ADJUSTMENT'] as const;
export const transactionTypeSchema = z.enum(transactionTypes);
export type TransactionType = (typeof transactionTypes)[number];
export const paymentMethods = ['CASH', 'CARD', 'YAPE', 'PLIN', 'TRANSFER', 'BALANCE'] as const;
export const paymentMethodSchema = z.enum(paymentMethods);
export type PaymentMethod = (typeof paymentMethods)[number];
/** Ways money reaches the counter (everything but BALANCE). */
export const tenderMethodSchema = z.enum(['CASH', 'CARD', 'YAPE', 'PLIN', 'TRANSFER']);

export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/);

// ── Tariffs ─────────────────────────────────────────────────────────────────
export const timeRuleSchema = z
  .object({
    id: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1).max(80),
    days: z.array(z.int().min(0).max(6)).max(7).default([]).describe('Local weekdays, 0 = Sunday; empty = every day'),
    start: hhmmSchema,
    end: hhmmSchema.describe('end ≤ start wraps past midnight'),
    ratePerHourMinor: nonNegativeMinorSchema.optional(),
    memberRatePerHourMinor: nonNegativeMinorSchema.optional(),
    discountPercent: z.int().min(0).max(100).optional(),
  })
  .refine((r) => r.ratePerHourMinor !== undefined || r.memberRatePerHourMinor !== undefined || r.discountPercent !== undefined, {
    message: 'A rule needs a rate or a discount',
    params: { es: 'Una regla necesita una tarifa o un descuento' },
  })
  .meta({ id: 'TimeRule' });

export const tariffInputSchema = z
  .object({
    name: nameSchema.default('Tarifa'),
    ratePerHourMinor: nonNegativeMinorSchema.describe('Guest rate per hour, minor units'),
    memberRatePerHourMinor: nonNegativeMinorSchema.optional(),
    granularity: z.enum(['second', 'minute']).default('minute'),
    minimumChargeMinor: nonNegativeMinorSchema.default(0),
    rules: z.array(timeRuleSchema).max(50).default([]),
  })
  .strict()
  .meta({ id: 'TariffInput' });
export type TariffInput = z.infer<typeof tariffInputSchema>;

export const tariffSchema = z
  .object({
    id: uuidSchema,
    zoneId: uuidSchema,
    name: z.string(),
    ratePerHourMinor: z.int(),
    memberRatePerHourMinor: z.int().nullable(),
    granularity: z.enum(['second', 'minute']),
    minimumChargeMinor: z.int(),
    rules: z.array(timeRuleSchema),
    effectiveFrom: z.string(),
    effectiveTo: z.string().nullable(),
  })
  .meta({ id: 'Tariff' });
export type TariffDto = z.infer<typeof tariffSchema>;

export const timePackageInputSchema = z
  .object({
    name: nameSchema,
    seconds: z.int().min(60).max(30 * 24 * 3600),
    priceMinor: nonNegativeMinorSchema,
    zoneIds: z.array(uuidSchema).max(100).default([]).describe('Empty = every zone'),
    validDays: z.array(z.int().min(0).max(6)).max(7).default([]),
    validStart: hhmmSchema.optional(),
    validEnd: hhmmSchema.optional(),
    validForDays: z.int().min(1).max(3650).optional().describe('Expires this many days after purchase'),
    active: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'TimePackageInput' });
export const timePackageSchema = timePackageInputSchema
  .extend({ id: uuidSchema })
  .meta({ id: 'TimePackage' });

// ── Ledger ──────────────────────────────────────────────────────────────────
export const transactionSchema = z
  .object({
    id: uuidSchema,
    type: transactionTypeSchema,
    paymentMethod: paymentMethodSchema,
    amountMinor: z.int().describe('Change of the customer balance (signed)'),
    tenderedMinor: z.int().describe('Money taken (+) or paid out (−) at the counter'),
    balanceBeforeMinor: z.int().nullable(),
    balanceAfterMinor: z.int().nullable(),
    customerId: uuidSchema.nullable(),
    lanCenterId: uuidSchema.nullable(),
    sessionId: uuidSchema.nullable(),
    shiftId: uuidSchema.nullable(),
    refundOfId: uuidSchema.nullable(),
    actorId: uuidSchema.nullable(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Transaction' });
export type TransactionDto = z.infer<typeof transactionSchema>;

export const moneyResultSchema = z
  .object({ transaction: transactionSchema, balanceMinor: z.int(), availableMinor: z.int() })
  .meta({ id: 'MoneyResult' });

export const rechargeSchema = z
  .object({
    lanCenterId: uuidSchema.describe('Where the money was taken'),
    amountMinor: positiveMinorSchema,
    paymentMethod: tenderMethodSchema,
    reference: z.string().trim().max(120).optional().describe('Operation number (Yape, Plin, card voucher)'),
  })
  .strict()
  .meta({ id: 'Recharge' });

export const chargeSchema = z
  .object({
    lanCenterId: uuidSchema,
    amountMinor: positiveMinorSchema,
    type: z.enum(['STORE_PURCHASE', 'PENALTY']).default('STORE_PURCHASE'),
    reason: z.string().trim().min(3).max(300),
  })
  .strict()
  .meta({ id: 'Charge' });

export const refundSchema = z
  .object({
    amountMinor: positiveMinorSchema,
    reason: z.string().trim().min(3).max(300),
    lanCenterId: uuidSchema,
  })
  .strict()
  .meta({ id: 'Refund' });

export const adjustmentSchema = z
  .object({
    amountMinor: minorSchema.refine((v) => v !== 0, 'Must not be 0'),
    reason: z.string().trim().min(3).max(300).describe('Required: why the balance is corrected'),
    lanCenterId: uuidSchema.optional(),
  })
  .strict()
  .meta({ id: 'Adjustment' });

export const accountSchema = z
  .object({
    customerId: uuidSchema,
    balanceMinor: z.int().describe('Ledger balance'),
    runningCostMinor: z.int().describe('Cost of sessions running now, not yet settled'),
    availableMinor: z.int().describe('What can be spent now: balance − running cost + credit limit'),
    creditLimitMinor: z.int(),
    packages: z.array(z.object({ id: uuidSchema, name: z.string(), secondsRemaining: z.int(), expiresAt: z.string().nullable() })),
  })
  .meta({ id: 'Account' });

export const ledgerQuerySchema = z.object({
  customerId: uuidSchema.optional(),
  lanCenterId: uuidSchema.optional(),
  type: transactionTypeSchema.optional(),
  shiftId: uuidSchema.optional(),
  sessionId: uuidSchema.optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ── Shifts ──────────────────────────────────────────────────────────────────
export const openShiftSchema = z
  .object({ lanCenterId: uuidSchema, openingFloatMinor: nonNegativeMinorSchema.describe('Fondo inicial') })
  .strict()
  .meta({ id: 'OpenShift' });
export const closeShiftSchema = z
  .object({ countedCashMinor: nonNegativeMinorSchema.describe('Arqueo: cash counted in the drawer'), notes: z.string().trim().max(500).optional() })
  .strict()
  .meta({ id: 'CloseShift' });

export const shiftTotalsSchema = z.object({
  byMethod: z.record(z.string(), z.int()).describe('Σ tendered per payment method'),
  byType: z.record(z.string(), z.object({ count: z.int(), tenderedMinor: z.int(), amountMinor: z.int() })),
  cashInMinor: z.int(),
  cashOutMinor: z.int(),
  transactions: z.int(),
});

export const shiftSchema = z
  .object({
    id: uuidSchema,
    lanCenterId: uuidSchema,
    cashierId: uuidSchema,
    cashierName: z.string(),
    status: z.enum(['OPEN', 'CLOSED']),
    openingFloatMinor: z.int(),
    expectedCashMinor: z.int().describe('Float + cash in − cash out (live while open)'),
    countedCashMinor: z.int().nullable(),
    differenceMinor: z.int().nullable().describe('Counted − expected (descuadre)'),
    notes: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    totals: shiftTotalsSchema,
  })
  .meta({ id: 'Shift' });
export type ShiftDto = z.infer<typeof shiftSchema>;

export const sellPackageSchema = z
  .object({
    packageId: uuidSchema,
    lanCenterId: uuidSchema,
    paymentMethod: paymentMethodSchema.describe('BALANCE takes it from the customer balance'),
  })
  .strict()
  .meta({ id: 'SellPackage' });
export const packageSaleSchema = z
  .object({
    holdingId: uuidSchema,
    packageId: uuidSchema,
    secondsRemaining: z.int(),
    expiresAt: z.string().nullable(),
    transaction: transactionSchema,
  })
  .meta({ id: 'PackageSale' });
