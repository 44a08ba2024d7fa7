import { z } from 'zod';
import { isoDateTimeSchema, positiveMinorSchema, uuidSchema } from './common.js';
import { tenderMethodSchema } from './ledger.js';

export const sessionStatuses = ['PENDING', 'ACTIVE', 'PAUSED', 'COMPLETED', 'ABORTED', 'FAILED'] as const;
export const sessionKinds = ['MEMBER', 'GUEST_PREPAID', 'GUEST_POSTPAID', 'FREE_GRANT'] as const;

export const startSessionSchema = z
  .object({
    pcId: uuidSchema,
    customerId: uuidSchema.optional().describe('Member (or guest ticket) whose balance pays'),
    postpaidGuest: z
      .object({ label: z.string().trim().min(1).max(60).default('Invitado') })
      .optional()
      .describe('Guest who pays at the counter when leaving'),
    freeGrant: z
      .object({ endsAt: isoDateTimeSchema, reason: z.string().trim().min(3).max(300) })
      .optional()
      .describe('Manager only: free time with a mandatory end'),
  })
  .strict()
  .refine((v) => [v.customerId, v.postpaidGuest, v.freeGrant].filter(Boolean).length === 1 || (v.freeGrant && !v.postpaidGuest), {
    message: 'Give exactly one of customerId, postpaidGuest or freeGrant (freeGrant may name a customer)',
    params: { es: 'Indique solo uno: customerId, postpaidGuest o freeGrant (freeGrant puede nombrar a un cliente)' },
  })
  .meta({ id: 'StartSession' });
export type StartSession = z.infer<typeof startSessionSchema>;

export const endSessionSchema = z
  .object({
    paymentMethod: tenderMethodSchema.optional().describe('Postpaid guests: how they paid at the counter'),
    lanCenterId: uuidSchema.optional(),
  })
  .strict()
  .meta({ id: 'EndSession' });

export const sessionSchema = z
  .object({
    id: uuidSchema,
    pcId: uuidSchema,
    lanCenterId: uuidSchema,
    customerId: uuidSchema.nullable(),
    customerName: z.string().nullable(),
    kind: z.enum(sessionKinds),
    status: z.enum(sessionStatuses),
    requestedAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    hardEndAt: z.string().nullable(),
    freeUntil: z.string().nullable(),
    billedSeconds: z.int(),
    costMinor: z.int().describe('Running cost (live) or final cost'),
    chargedMinor: z.int().describe('What the ledger took (settled sessions)'),
    uncollectedMinor: z.int(),
    endReason: z.string().nullable(),
    settled: z.boolean(),
    tariff: z.object({ ratePerHourMinor: z.int(), granularity: z.enum(['second', 'minute']), minimumChargeMinor: z.int() }),
  })
  .meta({ id: 'Session' });
export type SessionDto = z.infer<typeof sessionSchema>;

export const settleSessionSchema = z
  .object({ paymentMethod: tenderMethodSchema, lanCenterId: uuidSchema })
  .strict()
  .meta({ id: 'SettleSession' });
export const sessionListQuerySchema = z.object({
  status: z.enum(sessionStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const prepaidAmountSchema = positiveMinorSchema;
