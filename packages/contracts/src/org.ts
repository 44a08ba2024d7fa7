import { z } from 'zod';
import {
  emailSchema,
  hhmmSchema,
  nameSchema,
  nonNegativeMinorSchema,
  passwordSchema,
  phoneSchema,
  slugSchema,
  staffRoles,
  timezoneSchema,
  usernameSchema,
  uuidSchema,
  currencySchema,
  localeSchema,
} from './common.js';

const weekday = z.int().min(0).max(6);

export const openingHoursSchema = z
  .object({
    /** Always open when true (24/7). */
    alwaysOpen: z.boolean().default(true),
    /** Per local weekday (0 = Sunday): open and close times; close ≤ open wraps past midnight. */
    days: z
      .array(z.object({ day: weekday, open: hhmmSchema, close: hhmmSchema }))
      .max(14)
      .default([]),
  })
  .meta({ id: 'OpeningHours' });

export const agentSettingsSchema = z
  .object({
    heartbeatIntervalSeconds: z.int().min(5).max(600).default(60),
    processAllowList: z.array(z.string().trim().min(1).max(120)).max(500).default([]),
    processBlockList: z.array(z.string().trim().min(1).max(120)).max(500).default([]),
  })
  .meta({ id: 'AgentSettings' });

export const lanCenterSettingsSchema = z
  .object({
    openingHours: openingHoursSchema.default({ alwaysOpen: true, days: [] }),
    agent: agentSettingsSchema.default({
      heartbeatIntervalSeconds: 60,
      processAllowList: [],
      processBlockList: [],
    }),
  })
  .meta({ id: 'LanCenterSettings' });

export const lanCenterSchema = z
  .object({
    id: uuidSchema,
    organizationId: uuidSchema,
    name: z.string(),
    slug: z.string(),
    address: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string(),
    timezone: z.string(),
    currency: currencySchema,
    status: z.enum(['TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED']),
    settings: lanCenterSettingsSchema,
    createdAt: z.string(),
  })
  .meta({ id: 'LanCenter' });
export type LanCenter = z.infer<typeof lanCenterSchema>;

export const createLanCenterSchema = z
  .object({
    name: nameSchema,
    slug: slugSchema.optional(),
    address: z.string().trim().max(300).optional(),
    city: z.string().trim().max(120).optional(),
    country: z.string().trim().length(2).toUpperCase().default('PE'),
    timezone: timezoneSchema.default('America/Lima'),
    settings: lanCenterSettingsSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateLanCenter' });
export const updateLanCenterSchema = createLanCenterSchema.partial().strict().meta({ id: 'UpdateLanCenter' });

export const zoneSchema = z
  .object({
    id: uuidSchema,
    lanCenterId: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    position: z.int(),
    color: z.string().nullable(),
    pcCount: z.int(),
  })
  .meta({ id: 'Zone' });
export type Zone = z.infer<typeof zoneSchema>;

export const createZoneSchema = z
  .object({
    name: nameSchema,
    description: z.string().trim().max(500).optional(),
    position: z.int().min(0).max(10_000).default(0),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
  })
  .strict()
  .meta({ id: 'CreateZone' });
export const updateZoneSchema = createZoneSchema.partial().strict().meta({ id: 'UpdateZone' });

export const pcStatuses = ['AVAILABLE', 'PENDING', 'OCCUPIED', 'RESERVED', 'MAINTENANCE', 'OFFLINE'] as const;
export const pcStatusSchema = z.enum(pcStatuses);
export type PcStatus = (typeof pcStatuses)[number];

export const pcSchema = z
  .object({
    id: uuidSchema,
    lanCenterId: uuidSchema,
    zoneId: uuidSchema,
    name: z.string(),
    specs: z.record(z.string(), z.string()),
    status: pcStatusSchema,
    agentVersion: z.string().nullable(),
    lastHeartbeatAt: z.string().nullable(),
    enrolled: z.boolean(),
    requiresAgent: z.boolean(),
    /** Running/pending session on it, if any. */
    session: z
      .object({
        id: uuidSchema,
        status: z.string(),
        customerName: z.string().nullable(),
        startedAt: z.string().nullable(),
        needsReconciliation: z.boolean(),
        // Same values as sessionKinds (sessions.ts), spelled out so org.ts does not pull the session/ledger schemas into bundles.
        kind: z.enum(['MEMBER', 'GUEST_PREPAID', 'GUEST_POSTPAID', 'FREE_GRANT']),
        costMinor: z.int().describe('Running cost at `costAt` (engine price, minimum charge included)'),
        accruedMinor: z.int().describe('Cost at `costAt` before the minimum charge (for local extrapolation)'),
        costAt: z.string().describe('Server instant the cost was computed at'),
        ratePerHourMinor: z
          .int()
          .describe('Rate being paid right now (0 when paused or covered by a package): the console ticks the cost locally with it'),
        minimumChargeMinor: z.int().describe('Tariff minimum charge: owed as soon as one second is paid with money'),
        hardEndAt: z.string().nullable().describe('When the session ends by itself (prepaid balance / free grant), if it does'),
      })
      .nullable(),
  })
  .meta({ id: 'Pc' });
export type Pc = z.infer<typeof pcSchema>;

export const createPcSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    zoneId: uuidSchema,
    specs: z.record(z.string().max(40), z.string().max(200)).default({}),
    requiresAgent: z.boolean().default(true).describe('false for stations without an agent (consoles): sessions start at once'),
  })
  .strict()
  .meta({ id: 'CreatePc' });
export const updatePcSchema = z
  .object({
    name: z.string().trim().min(1).max(40).optional(),
    zoneId: uuidSchema.optional(),
    specs: z.record(z.string().max(40), z.string().max(200)).optional(),
    maintenance: z.boolean().optional().describe('Put the PC in or out of maintenance'),
    requiresAgent: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'UpdatePc' });

export const pairingCodeSchema = z
  .object({
    pcId: uuidSchema,
    code: z.string().describe('One-time code to type in the agent (shown as text and QR)'),
    expiresAt: z.string(),
  })
  .meta({ id: 'PairingCode' });

export const staffRoleSchema = z.enum(staffRoles);
export const staffMemberSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    role: staffRoleSchema,
    lanCenterIds: z.array(uuidSchema),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'StaffMember' });
export const createStaffSchema = z
  .object({
    name: nameSchema,
    email: emailSchema.optional(),
    username: usernameSchema,
    password: passwordSchema,
    role: staffRoleSchema,
    lanCenterIds: z.array(uuidSchema).min(1).max(100),
    locale: localeSchema.default('es'),
  })
  .strict()
  .meta({ id: 'CreateStaff' });
export const updateStaffSchema = z
  .object({
    name: nameSchema.optional(),
    role: staffRoleSchema.optional(),
    lanCenterIds: z.array(uuidSchema).min(1).max(100).optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .strict()
  .meta({ id: 'UpdateStaff' });

export const customerSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    documentId: z.string().nullable(),
    membershipTier: z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']),
    loyaltyPoints: z.int(),
    balanceMinor: z.int().describe('Ledger balance in minor units'),
    guest: z.boolean().describe('A guest ticket’s account, not a registered customer'),
    createdAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof customerSchema>;

export const createCustomerSchema = z
  .object({
    name: nameSchema,
    username: usernameSchema.optional(),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    documentId: z.string().trim().max(30).optional(),
    password: passwordSchema.optional().describe('Lets the customer log in at a PC and in the app'),
  })
  .strict()
  .meta({ id: 'CreateCustomer' });
export const updateCustomerSchema = createCustomerSchema.partial().strict().meta({ id: 'UpdateCustomer' });
export const customerSearchSchema = z.object({
  q: z.string().trim().max(100).optional().describe('Name, username, email, phone or document'),
  guests: z.enum(['exclude', 'only', 'include']).default('exclude').describe('Guest tickets’ accounts'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const lanCenterIdParams = z.object({ lanCenterId: uuidSchema });
export const nonNegativeMinor = nonNegativeMinorSchema;

/** Remote actions on a PC from the console (sent to its agent, which acknowledges). */
export const pcCommandSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('lock'), message: z.string().trim().max(500).optional() }),
    z.object({ type: z.literal('unlock'), reason: z.string().trim().min(3).max(200).describe('Manager only: why the PC is opened without a session (audited)') }),
    z.object({ type: z.literal('message'), text: z.string().trim().min(1).max(500) }),
    z.object({ type: z.literal('shutdown') }),
    z.object({ type: z.literal('restart') }),
  ])
  .meta({ id: 'PcCommand' });
export type PcCommand = z.infer<typeof pcCommandSchema>;
export const pcCommandResultSchema = z.object({ ok: z.literal(true), ackedAt: z.string() }).meta({ id: 'PcCommandResult' });
