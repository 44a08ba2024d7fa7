import { z } from 'zod';
import { uuidSchema } from './common.js';

/** Socket.IO namespace for staff browsers (same origin, msgpack parser, cookie or token auth). */
export const CONSOLE_SOCKET_NAMESPACE = '/console';

/** client → server, with ack: join a LAN center's floor. */
export const floorSubscribeSchema = z.object({ lanCenterId: uuidSchema });
export const floorSubscribeAckSchema = z.union([
  z.object({ ok: z.literal(true), serverNowMs: z.number() }),
  z.object({ ok: z.literal(false), code: z.string() }),
]);

/**
 * server → client events:
 * - `pc.updated`: a full `Pc` (see org.ts) whenever its status or session changes
 * - `pc.removed`: `{ id }` when a PC is retired
 * - `balance.changed`: `{ customerId, balanceMinor }`
 * - `notification`: `{ type, payload, lanCenterId }` (managers: PC offline, discrepancies…)
 */
export const pcRemovedEventSchema = z.object({ id: uuidSchema });
export const balanceChangedEventSchema = z.object({ customerId: uuidSchema, balanceMinor: z.int() });
export const consoleNotificationSchema = z.object({ type: z.string(), payload: z.unknown(), lanCenterId: uuidSchema.nullable() });
