/**
 * Checks for every message the agent receives, mirroring the zod schemas of
 * packages/contracts/src/agent-protocol.ts (same limits, defaults and refusals; see check.ts for why
 * they are not the zod schemas themselves). The `Check<…>` annotations make the compiler hold each
 * result to the contract's type; inbound.test.ts runs both on the same inputs.
 */
import type {
  AgentCommand,
  AgentConfig,
  AgentEnrollResponse,
  AgentLoginRequest,
  AgentLoginResponse,
  AgentSyncAck,
  AgentTokenResponse,
  AgentWelcome,
  ErrorCode,
  EventAck,
} from '@econtrol/contracts';
import {
  array,
  bool,
  int,
  literal,
  nullable,
  object,
  oneOf,
  optional,
  pair,
  refine,
  str,
  union,
  uuid,
  withDefault,
  type Check,
} from './check.js';
import { currencies, errorCodes, locales } from './contracts-values.js';

const epochMs = int(0, 8_640_000_000_000_000);
const durationSeconds = int(0, 366 * 86_400);
const nonNegativeMinor = int(0, 100_000_000_000);
const hhmm = str({ pattern: /^([01]\d|2[0-3]):[0-5]\d$/ });
const shortText = str({ trim: true, min: 1, max: 200 });
const weekDays = array(int(0, 6), { max: 7 });

/** Same list as the contracts' `timezoneSchema` (not cached: checked on a handful of messages). */
const timezone = refine(
  str(),
  (tz) => tz === 'UTC' || Intl.supportedValuesOf('timeZone').includes(tz),
  'unknown IANA time zone',
);

const errorCodeCheck: Check<ErrorCode> = oneOf(errorCodes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

// ───────────────────────────── config ─────────────────────────────

const guardName = str({ trim: true, min: 1, max: 120 });
const shopProduct = object({
  id: uuid,
  name: str({ max: 120 }),
  priceMinor: nonNegativeMinor,
  category: optional(str({ max: 60 })),
  available: bool,
});

export const agentConfig: Check<AgentConfig> = object({
  heartbeatIntervalSec: withDefault(int(5, 3600), () => 60),
  locale: withDefault(oneOf(locales), () => 'es' as const),
  currency: withDefault(oneOf(currencies), () => 'PEN' as const),
  lanCenterName: withDefault(str({ max: 120 }), () => ''),
  pcName: withDefault(str({ max: 60 }), () => ''),
  timezone: withDefault(timezone, () => 'America/Lima'),
  guard: withDefault(
    object({
      blockList: withDefault(array(guardName, { max: 500 }), () => []),
      allowList: withDefault(array(guardName, { max: 500 }), () => []),
      enforceAllowListWhenLocked: withDefault(bool, () => true),
    }),
    () => ({ blockList: [], allowList: [], enforceAllowListWhenLocked: true }),
  ),
  shopProducts: withDefault(array(shopProduct, { max: 500 }), () => []),
  zoneTable: optional(
    object({
      timeZone: timezone,
      fromMs: epochMs,
      toMs: epochMs,
      offsets: array(pair(epochMs, int(-64_800, 64_800)), { min: 1, max: 400 }),
    }),
  ),
});

// ───────────────────────────── commands ─────────────────────────────

const tariffRule = object({
  id: str({ min: 1, max: 64 }),
  name: str({ max: 120 }),
  days: weekDays,
  start: hhmm,
  end: hhmm,
  ratePerHourMinor: optional(nonNegativeMinor),
  memberRatePerHourMinor: optional(nonNegativeMinor),
  discountPercent: optional(int(0, 100)),
});
const tariff = object({
  timezone,
  ratePerHourMinor: nonNegativeMinor,
  memberRatePerHourMinor: optional(nonNegativeMinor),
  rules: array(tariffRule, { max: 50 }),
  granularity: oneOf(['second', 'minute']),
  minimumChargeMinor: nonNegativeMinor,
});
const packageBalance = object({
  id: str({ min: 1, max: 64 }),
  secondsRemaining: durationSeconds,
  days: optional(weekDays),
  start: optional(hhmm),
  end: optional(hhmm),
  expiresAtMs: optional(epochMs),
});
const limits = object({
  endsAtMs: optional(epochMs),
  endReason: optional(oneOf(['closing_time', 'reservation'])),
  maxSeconds: optional(durationSeconds),
  prepaidSeconds: optional(durationSeconds),
});

const base = { commandId: uuid, serverNowMs: epochMs };

const sessionStart = refine(
  object({
    ...base,
    type: literal('session.start'),
    sessionId: uuid,
    customer: object({ id: nullable(uuid), displayName: str({ max: 120 }), member: bool }),
    tariff,
    balanceMinor: nonNegativeMinor,
    packages: withDefault(array(packageBalance, { max: 50 }), () => []),
    limits: withDefault(limits, () => ({})),
    postpaid: withDefault(bool, () => false),
    free: optional(object({ grantedBy: uuid, reason: str({ max: 200 }), endsAtMs: epochMs })),
  }),
  (c) => !c.postpaid || c.limits.endsAtMs !== undefined || c.limits.maxSeconds !== undefined,
  'a postpaid session needs limits.endsAtMs or limits.maxSeconds',
);

export const agentCommand: Check<AgentCommand> = union('type', {
  'session.start': sessionStart,
  'session.end': object({
    ...base,
    type: literal('session.end'),
    sessionId: uuid,
    reason: withDefault(
      oneOf(['staff', 'closing_time', 'reservation', 'balance_out', 'time_up']),
      () => 'staff' as const,
    ),
  }),
  'session.extend': object({
    ...base,
    type: literal('session.extend'),
    sessionId: uuid,
    balanceMinor: optional(nonNegativeMinor),
    packages: optional(array(packageBalance, { max: 50 })),
    limits: optional(limits),
  }),
  'session.pause': object({ ...base, type: literal('session.pause'), sessionId: uuid }),
  'session.resume': object({ ...base, type: literal('session.resume'), sessionId: uuid }),
  'pc.lock': object({ ...base, type: literal('pc.lock'), message: optional(str({ max: 500 })) }),
  'pc.unlock': object({ ...base, type: literal('pc.unlock'), reason: shortText }),
  'pc.message': object({
    ...base,
    type: literal('pc.message'),
    text: str({ trim: true, min: 1, max: 500 }),
    from: optional(str({ max: 120 })),
  }),
  'pc.shutdown': object({ ...base, type: literal('pc.shutdown') }),
  'pc.restart': object({ ...base, type: literal('pc.restart') }),
  'config.update': object({ ...base, type: literal('config.update'), config: agentConfig }),
});

export const agentWelcome: Check<AgentWelcome> = object({
  serverNowMs: epochMs,
  pcId: uuid,
  config: agentConfig,
  activeSessionId: nullable(uuid),
});

// ───────────────────────────── sync acks ─────────────────────────────

const okAck = object({ eventId: uuid, ok: literal(true), duplicate: optional(bool) });
const refusedAck = object({
  eventId: uuid,
  ok: literal(false),
  code: errorCodeCheck,
  retryable: bool,
  message: optional(str({ max: 500 })),
});
const eventAck: Check<EventAck> = (v, p) =>
  typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false ? refusedAck(v, p) : okAck(v, p);

export const agentSyncAck: Check<AgentSyncAck> = object({
  batchId: uuid,
  serverNowMs: epochMs,
  results: array(eventAck),
});

// ───────────────────────────── REST answers ─────────────────────────────

export const agentEnrollResponse: Check<AgentEnrollResponse> = object({
  pcId: uuid,
  lanCenterId: uuid,
  organizationId: uuid,
  deviceId: uuid,
  deviceSecret: str({ min: 32, max: 200 }),
});

export const agentTokenResponse: Check<AgentTokenResponse> = object({
  accessToken: str({ min: 10, max: 4000 }),
  expiresAt: str(),
});

export const agentLoginResponse: Check<AgentLoginResponse> = object({
  sessionId: uuid,
  displayName: str({ max: 120 }),
});

// ───────────────────────────── local API bodies ─────────────────────────────

/** S7: empty or whitespace-only values are refused. */
export const agentLoginRequest: Check<AgentLoginRequest> = union('kind', {
  account: object({
    kind: literal('account'),
    username: str({ max: 254, notBlank: true }),
    password: str({ max: 200, notBlank: true }),
  }),
  guest: object({ kind: literal('guest'), code: str({ max: 64, notBlank: true }) }),
});

export const extendRequest = object({ minutes: int(1, 24 * 60) });

export const orderRequest = object({
  items: array(object({ productId: uuid, quantity: int(1, 99) }), { min: 1, max: 50 }),
  note: optional(str({ max: 300 })),
});
