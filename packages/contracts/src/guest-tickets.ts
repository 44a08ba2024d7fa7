import { z } from 'zod';
import { positiveMinorSchema, uuidSchema } from './common.js';
import { paymentMethodSchema, tenderMethodSchema, transactionSchema } from './ledger.js';

/**
 * Guest tickets ("código de invitado"): a walk-in pays at the counter, gets a short code and types
 * it on any PC's lock screen of that LAN center; sessions run at the zone's guest rate from the
 * ticket's money until it runs out or the ticket expires.
 */

/** Characters of a guest code: no 0/O, 1/I/L. */
export const guestCodeAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const guestCodeLength = 8;

export const guestTicketStatuses = ['OPEN', 'IN_USE', 'EXPIRED', 'CLOSED'] as const;

export const sellGuestTicketSchema = z
  .object({
    lanCenterId: uuidSchema.describe('Where it is sold: the PCs of this LAN center accept its code'),
    amountMinor: positiveMinorSchema,
    paymentMethod: tenderMethodSchema,
    reference: z.string().trim().max(120).optional().describe('Operation number (Yape, Plin, card voucher)'),
    validForHours: z.int().min(1).max(90 * 24).default(24).describe('The code expires this many hours after the sale'),
  })
  .strict()
  .meta({ id: 'SellGuestTicket' });
export type SellGuestTicket = z.input<typeof sellGuestTicketSchema>;

export const guestTicketZoneTimeSchema = z.object({
  zoneId: uuidSchema,
  zoneName: z.string(),
  ratePerHourMinor: z.int().describe('Guest rate of the zone now'),
  seconds: z.int().describe('Time the ticket’s available money buys there from now'),
});

export const guestTicketSchema = z
  .object({
    id: uuidSchema,
    customerId: uuidSchema.describe('The ticket’s guest account: its ledger rows and sessions name it'),
    lanCenterId: uuidSchema,
    name: z.string().describe('Shown on the floor and the PC, e.g. "Invitado ··3K"'),
    codeHint: z.string().describe('Last 2 characters of the code'),
    status: z.enum(guestTicketStatuses),
    soldMinor: z.int(),
    paymentMethod: paymentMethodSchema,
    balanceMinor: z.int().describe('Ledger balance'),
    availableMinor: z.int().describe('Balance minus the running session’s cost'),
    timeByZone: z.array(guestTicketZoneTimeSchema),
    expiresAt: z.string(),
    closedAt: z.string().nullable(),
    createdAt: z.string(),
    createdBy: uuidSchema.nullable(),
  })
  .meta({ id: 'GuestTicket' });
export type GuestTicket = z.infer<typeof guestTicketSchema>;

export const guestTicketSaleSchema = z
  .object({
    ticket: guestTicketSchema,
    code: z
      .string()
      .nullable()
      .describe('XXXX-XXXX. Only its hash is stored: it is in the sale’s answer (and a replay within 10 minutes), null afterwards'),
    transaction: transactionSchema,
  })
  .meta({ id: 'GuestTicketSale' });
export type GuestTicketSale = z.infer<typeof guestTicketSaleSchema>;

export const guestTicketListQuerySchema = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open').describe('open = not closed (expired ones included)'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const closeGuestTicketSchema = z
  .object({
    refundMethod: tenderMethodSchema.default('CASH').describe('How the rest of the money is given back'),
    reason: z.string().trim().min(3).max(300).optional(),
  })
  .strict()
  .meta({ id: 'CloseGuestTicket' });
export type CloseGuestTicket = z.input<typeof closeGuestTicketSchema>;

export const guestTicketClosedSchema = z
  .object({
    ticket: guestTicketSchema,
    refundedMinor: z.int(),
    transactions: z.array(transactionSchema).describe('The REFUND rows: one per recharge of the ticket it gives back, newest first (none when nothing was left)'),
  })
  .meta({ id: 'GuestTicketClosed' });
export type GuestTicketClosed = z.infer<typeof guestTicketClosedSchema>;
