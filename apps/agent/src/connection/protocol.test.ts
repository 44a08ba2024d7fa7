import {
  AGENT_PROTOCOL_VERSION,
  MIN_SUPPORTED_AGENT_PROTOCOL,
  agentCommandSchema,
  agentConfigSchema,
  agentEventSchema,
  agentLoginRequestSchema,
  commandAckSchema,
  eventAckSchema,
} from '@econtrol/contracts';
import { describe, expect, it } from 'vitest';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const tariff = {
  timezone: 'America/Lima',
  ratePerHourMinor: 300,
  rules: [],
  granularity: 'second',
  minimumChargeMinor: 0,
};

describe('agent protocol contracts', () => {
  it('has a version the server can gate on', () => {
    expect(AGENT_PROTOCOL_VERSION).toBeGreaterThanOrEqual(MIN_SUPPORTED_AGENT_PROTOCOL);
  });

  it('parses a session.start with defaults and refuses an unbounded postpaid session', () => {
    const cmd = agentCommandSchema.parse({
      type: 'session.start',
      commandId: id(1),
      serverNowMs: 1,
      sessionId: id(2),
      customer: { id: null, displayName: 'Invitado', member: false },
      tariff,
      balanceMinor: 500,
    });
    expect(cmd).toMatchObject({ postpaid: false, packages: [], limits: {} });
    expect(() => agentCommandSchema.parse({ ...cmd, postpaid: true })).toThrow(/postpaid/);
    expect(agentCommandSchema.parse({ ...cmd, postpaid: true, limits: { maxSeconds: 3600 } }).type).toBe(
      'session.start',
    );
    expect(() => agentCommandSchema.parse({ ...cmd, balanceMinor: 1.5 })).toThrow();
    expect(() => agentCommandSchema.parse({ ...cmd, type: 'pc.selfdestruct' })).toThrow();
  });

  it('validates events, acks and config', () => {
    const env = {
      eventId: id(3),
      seq: 1,
      bootId: id(4),
      monotonicMs: 12.5,
      wallMs: 1,
      serverMs: 2,
      anchorSource: 'server',
    };
    expect(
      agentEventSchema.parse({
        ...env,
        type: 'session.ended',
        sessionId: id(2),
        reason: 'closing_time',
        intervals: [{ startMs: 0, endMs: 1000, offline: true }],
        billedSeconds: 1,
        amountMinor: 0,
      }).type,
    ).toBe('session.ended');
    expect(() =>
      agentEventSchema.parse({
        ...env,
        type: 'session.ended',
        sessionId: id(2),
        reason: 'x',
        intervals: [],
        billedSeconds: 0,
        amountMinor: 0,
      }),
    ).toThrow();
    expect(() =>
      agentEventSchema.parse({
        ...env,
        type: 'session.ended',
        sessionId: id(2),
        reason: 'staff',
        intervals: [{ startMs: 10, endMs: 5, offline: false }],
        billedSeconds: 0,
        amountMinor: 0,
      }),
    ).toThrow();
    expect(
      eventAckSchema.parse({ eventId: id(3), ok: false, code: 'VALIDATION_FAILED', retryable: false }).ok,
    ).toBe(false);
    expect(commandAckSchema.parse({ ok: false, commandId: null, code: 'PC_IN_USE' }).ok).toBe(false);
    expect(agentConfigSchema.parse({})).toMatchObject({
      heartbeatIntervalSec: 60,
      locale: 'es',
      guard: { blockList: [] },
    });
  });

  it('S7: login requests with blank values are invalid', () => {
    expect(agentLoginRequestSchema.safeParse({ kind: 'account', username: 'a', password: ' ' }).success).toBe(
      false,
    );
    expect(agentLoginRequestSchema.safeParse({ kind: 'guest', code: '' }).success).toBe(false);
    expect(agentLoginRequestSchema.safeParse({ kind: 'guest', code: 'X1' }).success).toBe(true);
  });
});
