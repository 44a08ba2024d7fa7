import { z } from 'zod';

export const uuidSchema = z.uuid();
export const roles = ['SUPER_ADMIN', 'MANAGER', 'CASHIER', 'CLIENT'] as const;
export const roleSchema = z.enum(roles);
export type Role = (typeof roles)[number];
export const staffRoles = ['MANAGER', 'CASHIER'] as const;

/** Money: integer minor units (cents). Never a float. */
export const minorSchema = z
  .int()
  .min(-100_000_000_000)
  .max(100_000_000_000)
  .describe('Amount in integer minor units (cents)');
export const positiveMinorSchema = z
  .int()
  .min(1)
  .max(100_000_000_000)
  .describe('Positive amount in minor units');
export const nonNegativeMinorSchema = z
  .int()
  .min(0)
  .max(100_000_000_000)
  .describe('Amount in minor units, ≥ 0');

export const currencies = [
  'PEN',
  'MXN',
  'COP',
  'ARS',
  'CLP',
  'USD',
  'BOB',
  'UYU',
  'PYG',
  'GTQ',
  'CRC',
  'DOP',
] as const;
export const currencySchema = z.enum(currencies);

export const locales = ['es', 'en'] as const;
export const localeSchema = z.enum(locales);
export type Locale = (typeof locales)[number];

// Built on first use: listing ICU's time zones at import time costs memory in every process that
// loads the contracts (the PC agent never validates a time zone).
let validTimeZones: Set<string> | null = null;
function isValidTimeZone(tz: string): boolean {
  validTimeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return validTimeZones.has(tz);
}
export const timezoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'Unknown IANA time zone', params: { es: 'Zona horaria IANA desconocida' } })
  .describe('IANA time zone, e.g. America/Lima');

export const nameSchema = z.string().trim().min(1).max(120);
export const slugSchema = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and dashes');
export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(40)
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash, underscore')
  .transform((u) => u.toLowerCase());
/** S7: an empty or whitespace-only password is never accepted. */
export const passwordSchema = z
  .string()
  .min(8)
  .max(200)
  .refine((p) => p.trim().length > 0, { message: 'Password cannot be blank', params: { es: 'La contraseña no puede estar vacía' } });
export const phoneSchema = z
  .string()
  .trim()
  .max(30)
  .regex(/^[+0-9 ()-]{5,30}$/, 'phone number');
export const hhmmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');

export const cursorQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const idParamSchema = z.object({ id: uuidSchema });
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
