/**
 * Agent ↔ server protocol (the PC agent `apps/agent` and the server's agent gateway).
 * Single source of truth: both sides parse every message with these schemas.
 *
 * ## Transport
 * - Enrollment and token renewal are plain HTTPS (REST, JSON):
 *   `POST /api/v1/agent/enroll` (one-time pairing code → device credential),
 *   `POST /api/v1/agent/token` (device credential → short-lived access token, no person involved),
 *   `POST /api/v1/agent/login` (lock-screen login / guest code, `Authorization: Bearer <accessToken>`).
 * - Live traffic is Socket.IO on namespace {@link AGENT_SOCKET_NAMESPACE} with the msgpack parser,
 *   transports websocket then polling. Handshake `auth` = {@link agentHandshakeAuthSchema}. The server
 *   rejects the handshake with a connect error whose `message` is an error code and whose `data` is
 *   {@link agentConnectErrorDataSchema} (`AGENT_UPGRADE_REQUIRED`, `TOKEN_INVALID`, `PC_REVOKED`).
 *   Middleware errors are not retried by socket.io; the agent reconnects itself with exponential
 *   backoff + jitter, renews the token on `TOKEN_INVALID` and stays locked (with a message, slow retry)
 *   on `AGENT_UPGRADE_REQUIRED` / `PC_REVOKED`. `SERVICE_UNAVAILABLE` with `retryAfterMs` means the
 *   server is admitting as many handshakes as it can (a reconnect storm): come back after that long,
 *   without growing the backoff.
 * - Socket messages ({@link agentSocketEvents}):
 *   - `agent.welcome` server → agent right after connect: server time, config, the session the server
 *     believes is active on this PC (lets a restarted agent learn that staff ended its session, S2).
 *   - `agent.command` server → agent: {@link agentCommandSchema}; the agent answers through the
 *     Socket.IO ack callback with {@link commandAckSchema}. Commands carry a `commandId`; a replayed
 *     commandId gets the first answer again. `session.start` is acked only after the PC is unlocked
 *     and the session persisted, so the server may start billing at the ack (S6).
 *   - `agent.sync` agent → server: {@link agentSyncRequestSchema}, a batch (1..500) of journaled
 *     events in `seq` order; the ack is {@link agentSyncAckSchema} with one {@link eventAckSchema} per
 *     event. Live events are simply a batch of one; after an outage the backlog is replayed in order.
 *     `eventId` is the idempotency key: a replayed event must change nothing and be acked `ok`
 *     (`duplicate: true`). The agent deletes an event from its journal only when acked `ok`, or moves
 *     it to a dead-letter table when acked `ok:false, retryable:false`.
 *
 * ## Time (S14: the PC's wall clock is never trusted for amounts)
 * Every event carries `monotonicMs` (the agent's monotonic clock, `performance.now()`, which restarts
 * with each agent process: `bootId` identifies that clock), `wallMs` (the PC's wall clock, for logs
 * only) and `serverMs`: the agent's estimate of the SERVER's clock at that instant, computed as
 *   serverMs = anchor.serverMs + (monotonicNow − anchor.monotonicMs)
 * where the anchor is the last server time observed (`serverNowMs` of a sync ack / welcome, taken at
 * the midpoint of the round trip; one-way `serverNowMs` of a command only when no better anchor).
 * Online, anchors refresh at every heartbeat, so `serverMs` is server time. Offline, it advances with
 * the monotonic clock from the last anchor. Durations are ALWAYS monotonic differences, never
 * wall-clock differences, so a PC clock 7 minutes ahead changes nothing.
 * After an agent restart without connectivity (the monotonic clock restarted), the agent re-derives an
 * anchor from the persisted last anchor plus the wall-clock delta (skew-corrected: a constant skew
 * cancels out); such an anchor only positions new intervals in time (which tariff rule applies) and
 * is flagged `anchorSource: 'wall_estimate'`; durations remain monotonic. `serverMs` is null only
 * before the agent ever talked to a server.
 *
 * Sessions are reported as active intervals `{startMs, endMs, offline}` in estimated server time,
 * where `endMs − startMs` is a monotonic measurement (pauses and agent restarts split intervals;
 * the time the agent was down is not billed). The server prices them with `packages/billing`
 * (`priceSession`), the same engine the agent used, so offline amounts match to the cent.
 *
 * ## Versioning
 * {@link AGENT_PROTOCOL_VERSION} is sent in the handshake. The server refuses versions below
 * {@link MIN_SUPPORTED_AGENT_PROTOCOL} with `AGENT_UPGRADE_REQUIRED` (S15). Additive changes
 * (new optional fields, new event types the server ignores) keep the version.
 */
import { z } from 'zod';
import {
  currencySchema,
  hhmmSchema,
  localeSchema,
  nonNegativeMinorSchema,
  timezoneSchema,
  uuidSchema,
} from './common.js';
import { errorCodeSchema } from './errors.js';

export const AGENT_PROTOCOL_VERSION = 1;
export const MIN_SUPPORTED_AGENT_PROTOCOL = 1;
export const AGENT_SOCKET_NAMESPACE = '/agent';
export const agentSocketEvents = {
  welcome: 'agent.welcome',
  command: 'agent.command',
  sync: 'agent.sync',
} as const;
export const AGENT_SYNC_MAX_BATCH = 500;

const epochMsSchema = z.int().min(0).max(8_640_000_000_000_000).describe('Epoch milliseconds (UTC)');
const durationSecondsSchema = z
  .int()
  .min(0)
  .max(366 * 86_400);
const shortText = z.string().trim().min(1).max(200);

// ───────────────────────────── Enrollment and tokens (REST) ─────────────────────────────

export const agentOsSchema = z.enum(['windows', 'linux', 'macos', 'other']);
export const agentEnrollRequestSchema = z
  .object({
    pairingCode: z.string().trim().min(4).max(64),
    machine: z.object({
      hostname: z.string().trim().min(1).max(255),
      os: agentOsSchema,
      agentVersion: z.string().trim().min(1).max(40),
    }),
  })
  .meta({ id: 'AgentEnrollRequest' });
export type AgentEnrollRequest = z.infer<typeof agentEnrollRequestSchema>;

export const agentEnrollResponseSchema = z
  .object({
    pcId: uuidSchema,
    lanCenterId: uuidSchema,
    organizationId: uuidSchema,
    deviceId: uuidSchema,
    deviceSecret: z.string().min(32).max(200).describe('Shown once; the server keeps only a hash'),
  })
  .meta({ id: 'AgentEnrollResponse' });
export type AgentEnrollResponse = z.infer<typeof agentEnrollResponseSchema>;

export const agentTokenRequestSchema = z
  .object({ deviceId: uuidSchema, deviceSecret: z.string().min(32).max(200) })
  .meta({ id: 'AgentTokenRequest' });
export type AgentTokenRequest = z.infer<typeof agentTokenRequestSchema>;

export const agentTokenResponseSchema = z
  .object({ accessToken: z.string().min(10).max(4000), expiresAt: z.string().describe('ISO date-time') })
  .meta({ id: 'AgentTokenResponse' });
export type AgentTokenResponse = z.infer<typeof agentTokenResponseSchema>;

/** Lock screen → agent → server. S7: empty or whitespace-only values are refused on every side. */
const notBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => v.trim().length > 0, { message: 'Cannot be blank', params: { es: 'No puede estar vacío' } });
export const agentLoginRequestSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('account'), username: notBlank(254), password: notBlank(200) }),
    z.object({ kind: z.literal('guest'), code: notBlank(64) }),
  ])
  .meta({ id: 'AgentLoginRequest' });
export type AgentLoginRequest = z.infer<typeof agentLoginRequestSchema>;

/** 200 answer of `POST /api/v1/agent/login`; the session itself then arrives as `session.start`. */
export const agentLoginResponseSchema = z
  .object({ sessionId: uuidSchema, displayName: z.string().max(120) })
  .meta({ id: 'AgentLoginResponse' });
export type AgentLoginResponse = z.infer<typeof agentLoginResponseSchema>;

// ───────────────────────────── Handshake ─────────────────────────────

export const agentHandshakeAuthSchema = z.object({
  token: z.string().min(10).max(4000),
  protocolVersion: z.int().min(0),
  agentVersion: z.string().max(40),
  bootId: uuidSchema.describe('Identifies this agent process (and its monotonic clock)'),
  activeSessionId: uuidSchema.nullable().describe('Session the agent is running (or resuming), if any'),
});
export type AgentHandshakeAuth = z.infer<typeof agentHandshakeAuthSchema>;

export const agentConnectErrorDataSchema = z.object({
  code: errorCodeSchema,
  message: z.string().optional(),
  minProtocolVersion: z.int().optional(),
  /** With SERVICE_UNAVAILABLE (too many handshakes at once): come back after this long. */
  retryAfterMs: z.int().min(0).max(120_000).optional(),
});
export type AgentConnectErrorData = z.infer<typeof agentConnectErrorDataSchema>;

// ───────────────────────────── Shared pieces ─────────────────────────────

export const tariffRuleSnapshotSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(120),
  days: z.array(z.int().min(0).max(6)).max(7),
  start: hhmmSchema,
  end: hhmmSchema,
  ratePerHourMinor: nonNegativeMinorSchema.optional(),
  memberRatePerHourMinor: nonNegativeMinorSchema.optional(),
  discountPercent: z.int().min(0).max(100).optional(),
});
/** Exactly the `Tariff` of packages/billing, frozen at session start. */
export const tariffSnapshotSchema = z.object({
  timezone: timezoneSchema,
  ratePerHourMinor: nonNegativeMinorSchema,
  memberRatePerHourMinor: nonNegativeMinorSchema.optional(),
  rules: z.array(tariffRuleSnapshotSchema).max(50),
  granularity: z.enum(['second', 'minute']),
  minimumChargeMinor: nonNegativeMinorSchema,
});
export type TariffSnapshot = z.infer<typeof tariffSnapshotSchema>;

/** Exactly the `PackageBalance` of packages/billing. */
export const packageBalanceSchema = z.object({
  id: z.string().min(1).max(64),
  secondsRemaining: durationSecondsSchema,
  days: z.array(z.int().min(0).max(6)).max(7).optional(),
  start: hhmmSchema.optional(),
  end: hhmmSchema.optional(),
  expiresAtMs: epochMsSchema.optional(),
});
export type PackageBalanceSnapshot = z.infer<typeof packageBalanceSchema>;

/** Half-open active interval in estimated server time; `endMs − startMs` was measured monotonically. */
export const activeIntervalSchema = z
  .object({ startMs: epochMsSchema, endMs: epochMsSchema, offline: z.boolean() })
  .refine((i) => i.endMs >= i.startMs, { message: 'endMs before startMs', params: { es: 'endMs es anterior a startMs' } });
export type ActiveInterval = z.infer<typeof activeIntervalSchema>;

export const sessionEndReasonSchema = z.enum([
  'time_up',
  'balance_out',
  'closing_time',
  'reservation',
  'staff',
  'customer',
  'crash_recovered',
]);
export type SessionEndReason = z.infer<typeof sessionEndReasonSchema>;

export const sessionLimitsSchema = z.object({
  endsAtMs: epochMsSchema.optional().describe('Hard end (server time): closing time or next reservation'),
  endReason: z.enum(['closing_time', 'reservation']).optional().describe('Why endsAtMs, for the end reason'),
  maxSeconds: durationSecondsSchema.optional().describe('Cap on active seconds'),
  prepaidSeconds: durationSecondsSchema.optional().describe('Time bought up front (guest code)'),
});
export type SessionLimits = z.infer<typeof sessionLimitsSchema>;

export const shopProductSchema = z.object({
  id: uuidSchema,
  name: z.string().max(120),
  priceMinor: nonNegativeMinorSchema,
  category: z.string().max(60).optional(),
  available: z.boolean(),
});
export type ShopProduct = z.infer<typeof shopProductSchema>;

export const agentConfigSchema = z.object({
  heartbeatIntervalSec: z.int().min(5).max(3600).default(60),
  locale: localeSchema.default('es'),
  currency: currencySchema.default('PEN'),
  lanCenterName: z.string().max(120).default(''),
  pcName: z.string().max(60).default(''),
  timezone: timezoneSchema.default('America/Lima'),
  guard: z
    .object({
      /** Executable names (case-insensitive, `.exe` optional) killed at any time. */
      blockList: z.array(z.string().trim().min(1).max(120)).max(500).default([]),
      /** While locked, user-session processes not on this list are killed. */
      allowList: z.array(z.string().trim().min(1).max(120)).max(500).default([]),
      /** Enforce the allow list while locked (off = only the block list). */
      enforceAllowListWhenLocked: z.boolean().default(true),
    })
    .default({ blockList: [], allowList: [], enforceAllowListWhenLocked: true }),
  shopProducts: z.array(shopProductSchema).max(500).default([]),
  zoneTable: z
    .object({
      timeZone: timezoneSchema,
      fromMs: epochMsSchema,
      toMs: epochMsSchema,
      offsets: z
        .array(z.tuple([epochMsSchema, z.int().min(-64_800).max(64_800)]))
        .min(1)
        .max(400)
        .describe('[instant ms, UTC offset s], sorted; each holds until the next'),
    })
    .optional()
    .describe("UTC offsets of `timezone` for the next two years (the agent converts local time without Intl's ICU data)"),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

// ───────────────────────────── Server → agent commands ─────────────────────────────

const commandBase = {
  commandId: uuidSchema,
  serverNowMs: epochMsSchema.describe('Server clock when the command was sent'),
};

export const sessionStartCommandSchema = z
  .object({
    ...commandBase,
    type: z.literal('session.start'),
    sessionId: uuidSchema,
    customer: z.object({
      id: uuidSchema.nullable().describe('null for a walk-in guest'),
      displayName: z.string().max(120),
      member: z.boolean(),
    }),
    tariff: tariffSnapshotSchema,
    balanceMinor: nonNegativeMinorSchema.describe('Account balance available to this session (uncharged)'),
    packages: z.array(packageBalanceSchema).max(50).default([]),
    limits: sessionLimitsSchema.default({}),
    postpaid: z.boolean().default(false).describe('Pays at the counter at the end: no balance limit'),
    free: z
      .object({ grantedBy: uuidSchema, reason: z.string().max(200), endsAtMs: epochMsSchema })
      .optional()
      .describe('Manager-granted free time (S8): costs 0, always has an end'),
  })
  .superRefine((c, ctx) => {
    if (c.postpaid && c.limits.endsAtMs === undefined && c.limits.maxSeconds === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'A postpaid session needs limits.endsAtMs or limits.maxSeconds',
        params: { es: 'Una sesión pospago necesita limits.endsAtMs o limits.maxSeconds' },
      });
    }
  });
export type SessionStartCommand = z.infer<typeof sessionStartCommandSchema>;

export const agentCommandSchema = z.discriminatedUnion('type', [
  sessionStartCommandSchema,
  z.object({
    ...commandBase,
    type: z.literal('session.end'),
    sessionId: uuidSchema,
    reason: z.enum(['staff', 'closing_time', 'reservation', 'balance_out', 'time_up']).default('staff'),
  }),
  z.object({
    ...commandBase,
    type: z.literal('session.extend'),
    sessionId: uuidSchema,
    balanceMinor: nonNegativeMinorSchema.optional().describe('New available balance (replaces)'),
    packages: z.array(packageBalanceSchema).max(50).optional().describe('New package balances (replace)'),
    limits: sessionLimitsSchema.optional().describe('New limits (replace)'),
  }),
  z.object({ ...commandBase, type: z.literal('session.pause'), sessionId: uuidSchema }),
  z.object({ ...commandBase, type: z.literal('session.resume'), sessionId: uuidSchema }),
  z.object({ ...commandBase, type: z.literal('pc.lock'), message: z.string().max(500).optional() }),
  z.object({
    ...commandBase,
    type: z.literal('pc.unlock'),
    reason: shortText.describe('Maintenance, audited'),
  }),
  z.object({
    ...commandBase,
    type: z.literal('pc.message'),
    text: z.string().trim().min(1).max(500),
    from: z.string().max(120).optional(),
  }),
  z.object({ ...commandBase, type: z.literal('pc.shutdown') }),
  z.object({ ...commandBase, type: z.literal('pc.restart') }),
  z.object({ ...commandBase, type: z.literal('config.update'), config: agentConfigSchema }),
]);
export type AgentCommand = z.infer<typeof agentCommandSchema>;
export type AgentCommandType = AgentCommand['type'];

export const sessionSnapshotSchema = z.object({
  sessionId: uuidSchema,
  intervals: z.array(activeIntervalSchema),
  billedSeconds: durationSecondsSchema,
  amountMinor: nonNegativeMinorSchema,
  paused: z.boolean(),
});
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;

export const commandAckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    commandId: uuidSchema,
    monotonicMs: z.number().min(0),
    serverMs: epochMsSchema.nullable().describe('Agent estimate of server time when executed'),
    session: sessionSnapshotSchema.optional().describe('For session.* commands'),
  }),
  z.object({
    ok: z.literal(false),
    commandId: uuidSchema.nullable(),
    code: errorCodeSchema,
    message: z.string().max(500).optional(),
  }),
]);
export type CommandAck = z.infer<typeof commandAckSchema>;

export const agentWelcomeSchema = z.object({
  serverNowMs: epochMsSchema,
  pcId: uuidSchema,
  config: agentConfigSchema,
  activeSessionId: uuidSchema.nullable().describe('Session the server considers running on this PC'),
});
export type AgentWelcome = z.infer<typeof agentWelcomeSchema>;

// ───────────────────────────── Agent → server events ─────────────────────────────

export const agentEventEnvelopeSchema = z.object({
  eventId: uuidSchema.describe('Client-generated idempotency key'),
  seq: z.int().min(1).describe('Per-device sequence, strictly increasing, never reused'),
  bootId: uuidSchema,
  monotonicMs: z.number().min(0),
  wallMs: epochMsSchema.describe('PC wall clock: informational only'),
  serverMs: epochMsSchema.nullable().describe('Estimated server time of the event'),
  anchorSource: z.enum(['server', 'wall_estimate', 'none']),
});

const sessionStatusSchema = z.enum(['locked', 'in_session', 'paused', 'maintenance']);

export const agentEventSchema = z.discriminatedUnion('type', [
  agentEventEnvelopeSchema.extend({
    type: z.literal('heartbeat'),
    status: sessionStatusSchema,
    sessionId: uuidSchema.nullable(),
    billedSeconds: durationSecondsSchema.optional(),
    amountMinor: nonNegativeMinorSchema.optional(),
    outboxBacklog: z.int().min(0),
    rssBytes: z.int().min(0),
    agentVersion: z.string().max(40),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.started'),
    sessionId: uuidSchema,
    commandId: uuidSchema.nullable(),
    unlockedAtMs: epochMsSchema.nullable().describe('Estimated server time of the unlock instant'),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.progress'),
    sessionId: uuidSchema,
    intervals: z.array(activeIntervalSchema),
    billedSeconds: durationSecondsSchema,
    amountMinor: nonNegativeMinorSchema,
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.paused'),
    sessionId: uuidSchema,
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.resumed'),
    sessionId: uuidSchema,
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.ended'),
    sessionId: uuidSchema,
    reason: sessionEndReasonSchema,
    intervals: z.array(activeIntervalSchema).describe('All active intervals of the session'),
    billedSeconds: durationSecondsSchema.describe('Agent computation with packages/billing'),
    amountMinor: nonNegativeMinorSchema.describe('Agent computation; the server recomputes'),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('session.extend_requested'),
    sessionId: uuidSchema,
    minutes: z
      .int()
      .min(1)
      .max(24 * 60),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('store.order'),
    orderId: uuidSchema.describe('Idempotency key of the order'),
    sessionId: uuidSchema.nullable(),
    customerId: uuidSchema.nullable(),
    items: z
      .array(z.object({ productId: uuidSchema, quantity: z.int().min(1).max(99) }))
      .min(1)
      .max(50),
    note: z.string().max(300).optional(),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('guard.killed'),
    processName: z.string().max(255),
    rule: z.enum(['block_list', 'not_allowed_while_locked']),
    count: z.int().min(1).describe('Kills of this name coalesced into this event'),
  }),
  agentEventEnvelopeSchema.extend({
    type: z.literal('agent.notice'),
    level: z.enum(['info', 'warn', 'error']),
    code: z.string().max(60),
    message: z.string().max(500),
  }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type AgentEventType = AgentEvent['type'];
type EnvelopeKeys = keyof z.infer<typeof agentEventEnvelopeSchema>;
/** An event as the agent's code creates it; the journal adds the envelope. */
export type AgentEventBody = AgentEvent extends infer E
  ? E extends AgentEvent
    ? Omit<E, EnvelopeKeys>
    : never
  : never;

export const eventAckSchema = z.discriminatedUnion('ok', [
  z.object({
    eventId: uuidSchema,
    ok: z.literal(true),
    duplicate: z.boolean().optional().describe('Already applied earlier; nothing changed'),
  }),
  z.object({
    eventId: uuidSchema,
    ok: z.literal(false),
    code: errorCodeSchema,
    retryable: z.boolean().describe('false: the agent dead-letters the event instead of retrying'),
    message: z.string().max(500).optional(),
  }),
]);
export type EventAck = z.infer<typeof eventAckSchema>;

export const agentSyncRequestSchema = z.object({
  batchId: uuidSchema,
  events: z.array(z.unknown()).min(1).max(AGENT_SYNC_MAX_BATCH).describe('AgentEvent[] in seq order'),
});
export type AgentSyncRequest = z.infer<typeof agentSyncRequestSchema>;

export const agentSyncAckSchema = z.object({
  batchId: uuidSchema,
  serverNowMs: epochMsSchema,
  results: z.array(eventAckSchema),
});
export type AgentSyncAck = z.infer<typeof agentSyncAckSchema>;
