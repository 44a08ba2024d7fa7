import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceSession, timeAffordable } from '@econtrol/billing';
import {
  sessionStartCommandSchema,
  type AgentEvent,
  type SessionStartCommand,
  type TariffSnapshot,
} from '@econtrol/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal.js';
import { ServerClock } from './server-clock.js';
import { SessionManager, type SessionNotice } from './session-manager.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const CMD = '33333333-3333-4333-8333-333333333333';
/** 2025-03-10 22:50:37Z = 17:50:37 in Lima (UTC−5). */
const T0 = Date.UTC(2025, 2, 10, 22, 50, 37);
const MIN = 60_000;

const tariff: TariffSnapshot = {
  timezone: 'America/Lima',
  ratePerHourMinor: 360,
  rules: [],
  granularity: 'second',
  minimumChargeMinor: 0,
};

class FakeMono {
  t = 0;
  nowMs(): number {
    return this.t;
  }
}

function startCmd(over: Record<string, unknown> = {}): SessionStartCommand {
  return sessionStartCommandSchema.parse({
    commandId: CMD,
    serverNowMs: T0,
    type: 'session.start',
    sessionId: SESSION,
    customer: { id: null, displayName: 'Ana', member: false },
    tariff,
    balanceMinor: 10_000,
    ...over,
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(
  opts: { wallOffsetMs?: number; journal?: Journal; mono?: FakeMono; online?: () => boolean } = {},
) {
  const mono = opts.mono ?? new FakeMono();
  const wall = { nowMs: () => T0 + (opts.wallOffsetMs ?? 0) + mono.t };
  const clock = new ServerClock(mono, wall);
  const journal = opts.journal ?? new Journal(':memory:');
  const desktop = { locked: true, calls: [] as string[] };
  const notices: SessionNotice[] = [];
  const sm = new SessionManager({
    journal,
    clock,
    isOnline: opts.online ?? (() => true),
    emit: (body) => journal.append(body, clock.stamp()),
    desktop: {
      lock: (reason) => {
        desktop.locked = true;
        desktop.calls.push(`lock:${reason}`);
        return Promise.resolve();
      },
      unlock: () => {
        desktop.locked = false;
        desktop.calls.push('unlock');
        return Promise.resolve();
      },
    },
    onNotice: (n) => notices.push(n),
  });
  const events = (): AgentEvent[] => journal.peek(10_000).map((e) => e.event);
  /** Advances the monotonic clock in `step` ms ticks. */
  const run = async (ms: number, step = 1000) => {
    for (let done = 0; done < ms; done += step) {
      mono.t += Math.min(step, ms - done);
      await sm.tick();
    }
  };
  return { mono, clock, journal, desktop, notices, sm, events, run };
}

describe('session manager', () => {
  it('starts only after unlocking, journals session.started, bills with the engine', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    const r = await t.sm.start(startCmd());
    expect(r.ok).toBe(true);
    expect(t.desktop.calls).toEqual(['unlock']);
    expect(t.events().map((e) => e.type)).toEqual(['session.started']);
    await t.run(10 * MIN);
    const st = t.sm.status();
    expect(st.phase).toBe('in_session');
    expect(st.costMinor).toBe(
      priceSession({ tariff, member: false, intervals: [{ startMs: T0, endMs: T0 + 10 * MIN }] }).amountMinor,
    );
    expect(st.costMinor).toBe(60);
    t.sm.stopTimer();
  });

  it('S1: a second session on a busy PC is refused with PC_IN_USE; the same one is idempotent', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd());
    expect(await t.sm.start(startCmd({ sessionId: OTHER }))).toEqual({ ok: false, code: 'PC_IN_USE' });
    expect((await t.sm.start(startCmd())).ok).toBe(true);
    expect(t.events().filter((e) => e.type === 'session.started')).toHaveLength(1);
  });

  it('refuses to start without balance, and never yields endless time (S8)', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    expect(await t.sm.start(startCmd({ balanceMinor: 0 }))).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
    });
    const zero = await t.sm.start(startCmd({ tariff: { ...tariff, ratePerHourMinor: 0 } }));
    expect(zero).toMatchObject({ ok: false, code: 'TARIFF_NOT_CONFIGURED' });
    expect(t.desktop.calls).toEqual([]);
    expect(() => startCmd({ postpaid: true })).toThrow();
  });

  it('ends when the balance runs out, exactly at the affordable instant, and locks', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd({ balanceMinor: 100 }));
    const affordable = timeAffordable({ tariff, member: false, fromMs: T0, balanceMinor: 100 });
    await t.run(affordable * 1000 + 5_000, 700);
    const ended = t.events().find((e) => e.type === 'session.ended');
    expect(ended).toMatchObject({ reason: 'balance_out', billedSeconds: affordable, amountMinor: 100 });
    if (ended?.type !== 'session.ended') throw new Error('no end');
    expect(ended.intervals).toEqual([{ startMs: T0, endMs: T0 + affordable * 1000, offline: false }]);
    expect(t.desktop.locked).toBe(true);
    expect(t.sm.status().phase).toBe('locked');
    expect(t.journal.loadSessionState()).toBeUndefined();
  });

  it('S4: a session limited by a reservation ends at 18:00 exactly even when ticks are late', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    const endsAtMs = Date.UTC(2025, 2, 10, 23, 0, 0);
    await t.sm.start(startCmd({ limits: { endsAtMs, endReason: 'reservation' } }));
    expect(t.sm.timeLeftSeconds()).toBe(563);
    t.mono.t += 300;
    await t.run(600_000);
    const ended = t.events().find((e) => e.type === 'session.ended');
    if (ended?.type !== 'session.ended') throw new Error('no end');
    expect(ended.reason).toBe('reservation');
    expect(ended.intervals.at(-1)?.endMs).toBe(endsAtMs);
    expect(ended.billedSeconds).toBe(9 * 60 + 23);
  });

  it('S3: closing time with warnings at 5 and 1 minutes, locks at 23:00 local', async () => {
    const t = setup();
    const start = Date.UTC(2025, 2, 11, 3, 45, 0); // 22:45 Lima
    t.clock.observe(start, 0);
    const closing = Date.UTC(2025, 2, 11, 4, 0, 0); // 23:00 Lima
    await t.sm.start(
      startCmd({
        serverNowMs: start,
        balanceMinor: 1_000_000,
        limits: { endsAtMs: closing, endReason: 'closing_time' },
      }),
    );
    expect(t.sm.timeLeftSeconds()).toBe(15 * 60);
    await t.run(10 * MIN - 1000);
    expect(t.notices.filter((n) => n.kind === 'warning')).toEqual([]);
    await t.run(1000);
    expect(t.notices.filter((n) => n.kind === 'warning')).toEqual([
      { kind: 'warning', minutes: 5, sessionId: SESSION },
    ]);
    expect(t.sm.status().warning).toBe(5);
    await t.run(4 * MIN);
    expect(
      t.notices.filter((n) => n.kind === 'warning').map((n) => (n.kind === 'warning' ? n.minutes : 0)),
    ).toEqual([5, 1]);
    await t.run(MIN + 1000);
    expect(t.notices.at(-1)).toMatchObject({ kind: 'ended', reason: 'closing_time' });
    expect(t.desktop.locked).toBe(true);
  });

  it('S14: a wall clock 7 minutes ahead changes neither time left nor amount', async () => {
    const t = setup({ wallOffsetMs: 7 * MIN });
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd({ limits: { maxSeconds: 3600 } }));
    await t.run(30 * MIN);
    expect(t.sm.timeLeftSeconds()).toBe(30 * 60);
    const r = await t.sm.end('staff');
    if (!r.ok) throw new Error(r.code);
    expect(r.session.intervals).toEqual([{ startMs: T0, endMs: T0 + 30 * MIN, offline: false }]);
    expect(r.session.amountMinor).toBe(180);
    const ended = t.events().find((e) => e.type === 'session.ended');
    expect(ended?.serverMs).toBe(T0 + 30 * MIN);
    expect(ended?.wallMs).toBe(T0 + 37 * MIN);
  });

  it('offline: keeps counting on the monotonic clock from the last anchor and flags the interval', async () => {
    let online = true;
    const t = setup({ online: () => online, wallOffsetMs: -3 * MIN });
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd());
    await t.run(5 * MIN);
    online = false;
    await t.run(20 * MIN);
    const r = await t.sm.end('customer');
    if (!r.ok) throw new Error(r.code);
    expect(r.session.intervals).toEqual([{ startMs: T0, endMs: T0 + 25 * MIN, offline: true }]);
    expect(r.session.amountMinor).toBe(
      priceSession({ tariff, member: false, intervals: [{ startMs: T0, endMs: T0 + 25 * MIN }] }).amountMinor,
    );
  });

  it('pause/resume splits intervals and does not bill the pause', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd());
    await t.run(MIN);
    await t.sm.pause(SESSION);
    expect(t.desktop.locked).toBe(true);
    await t.run(10 * MIN);
    await t.sm.resume(SESSION);
    expect(t.desktop.locked).toBe(false);
    await t.run(MIN);
    const r = await t.sm.end('staff', SESSION);
    if (!r.ok) throw new Error(r.code);
    expect(r.session.intervals).toEqual([
      { startMs: T0, endMs: T0 + MIN, offline: false },
      { startMs: T0 + 11 * MIN, endMs: T0 + 12 * MIN, offline: false },
    ]);
    expect(r.session.billedSeconds).toBe(120);
    expect(t.events().map((e) => e.type)).toEqual([
      'session.started',
      'session.paused',
      'session.resumed',
      'session.ended',
    ]);
  });

  it('extend with a new balance pushes the deadline and re-arms warnings', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd({ balanceMinor: 36 })); // 6 min
    await t.run(2 * MIN);
    expect(t.notices.some((n) => n.kind === 'warning' && n.minutes === 5)).toBe(true);
    const before = t.sm.timeLeftSeconds() ?? 0;
    expect(t.sm.extend(SESSION, { balanceMinor: 360 }).ok).toBe(true);
    expect((t.sm.timeLeftSeconds() ?? 0) - before).toBe(54 * 60);
    expect(t.sm.status().warning).toBeNull();
    expect(t.sm.extend(OTHER, { balanceMinor: 1 })).toEqual({ ok: false, code: 'SESSION_NOT_ACTIVE' });
  });

  it('S2: after SIGKILL the session resumes from the persisted state, losing at most ~1 s', async () => {
    const d = mkdtempSync(join(tmpdir(), 'agent-s2-'));
    dirs.push(d);
    const path = join(d, 'agent.db');
    const a = setup({ journal: new Journal(path) });
    a.clock.observe(T0, 0);
    await a.sm.start(startCmd());
    await a.run(60_500, 500);
    a.sm.stopTimer(); // SIGKILL: no shutdown code runs, the db is left as is
    // New process: new monotonic origin, 6 s later on the server.
    const b = setup({ journal: new Journal(path) });
    b.clock.observe(T0 + 66_500, 0);
    expect(b.sm.restore()).toBe(true);
    expect(b.sm.phase).toBe('resuming');
    expect(b.desktop.locked).toBe(true);
    await b.sm.confirmRestored(SESSION);
    expect(b.sm.phase).toBe('in_session');
    await b.run(10_000);
    const r = await b.sm.end('customer');
    if (!r.ok) throw new Error(r.code);
    expect(r.session.intervals).toEqual([
      { startMs: T0, endMs: T0 + 60_500, offline: false },
      { startMs: T0 + 66_500, endMs: T0 + 76_500, offline: false },
    ]);
    expect(r.session.billedSeconds).toBe(70);
  });

  it('a plain tick stores only its time; a change (going offline) stores the whole state', async () => {
    let online = true;
    const t = setup({ online: () => online });
    t.clock.observe(T0, 0);
    await t.sm.start(startCmd());
    await t.run(3_000);
    const saved = t.journal.loadSessionState<{ lastSeenMs: number; current: { offline: boolean } }>();
    expect(saved?.state.lastSeenMs).toBe(T0);
    expect(saved?.tickMs).toBe(T0 + 3_000);
    online = false;
    await t.run(1_000);
    const after = t.journal.loadSessionState<{ lastSeenMs: number; current: { offline: boolean } }>();
    expect(after?.state).toMatchObject({ lastSeenMs: T0 + 4_000, current: { offline: true } });
    expect(after?.tickMs).toBeNull();
  });

  it('S2: a session staff ended while the agent was down comes back locked and free', async () => {
    const d = mkdtempSync(join(tmpdir(), 'agent-s2b-'));
    dirs.push(d);
    const path = join(d, 'agent.db');
    const a = setup({ journal: new Journal(path) });
    a.clock.observe(T0, 0);
    await a.sm.start(startCmd());
    await a.run(30_000);
    const b = setup({ journal: new Journal(path) });
    b.clock.observe(T0 + 40_000, 0);
    b.sm.restore();
    await b.sm.confirmRestored(null);
    expect(b.sm.phase).toBe('locked');
    expect(b.desktop.calls).toEqual(['lock:crash_recovered']);
    const ended = b.events().find((e) => e.type === 'session.ended');
    expect(ended).toMatchObject({ reason: 'crash_recovered', billedSeconds: 30 });
    expect((await b.sm.start(startCmd({ sessionId: OTHER }))).ok).toBe(true);
  });

  it('keeps a tick far below a millisecond', async () => {
    const t = setup();
    t.clock.observe(T0, 0);
    const rules = [
      { id: 'h', name: 'happy', days: [], start: '14:00', end: '16:00', discountPercent: 50 },
      { id: 'n', name: 'night', days: [5, 6], start: '22:00', end: '06:00', ratePerHourMinor: 200 },
    ];
    await t.sm.start(startCmd({ tariff: { ...tariff, rules } }));
    for (let i = 0; i < 5; i++) {
      await t.run(MIN);
      await t.sm.pause(SESSION);
      await t.sm.resume(SESSION);
    }
    const n = 2000;
    const began = performance.now();
    for (let i = 0; i < n; i++) {
      t.mono.t += 1000;
      await t.sm.tick();
      t.sm.status();
    }
    const perTick = (performance.now() - began) / n;
    expect(perTick).toBeLessThan(1);
  });
});
