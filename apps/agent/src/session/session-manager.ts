/**
 * Local session manager: runs the customer's session on the PC, online or offline.
 *
 * - A 1 s timer (plus a precise one-shot timer for the final second) on the server-anchored
 *   monotonic clock ({@link ServerClock}); never wall-clock differences (S14).
 * - Cost and time left come from packages/billing (`priceSession`, `timeAffordable`), the engine the
 *   server uses to re-price, so an offline PC computes to the cent what the server recomputes.
 * - The deadline (earliest of: balance runs out, hard end = closing time / reservation, max/prepaid
 *   seconds, free-time end) is planned on start/extend/resume/restore and every 30 s; a tick only
 *   compares, prices a handful of intervals and writes one SQLite row (well under a millisecond).
 * - Ends exactly at the deadline instant (the interval is closed at the deadline, not at the late
 *   tick), warns at 5 and 1 minutes, locks on every end.
 * - State is persisted every tick (the whole state when it changed, else just the tick's time); after
 *   a crash the stale interval is closed at the last persisted tick (≤ ~1 s lost), the PC stays locked while the agent asks the server whether the session is
 *   still running (S2), then resumes it (or ends it as `crash_recovered` when the server ended it).
 */
import {
  type ActiveInterval,
  type AgentEventBody,
  type ErrorCode,
  type PackageBalanceSnapshot,
  type SessionEndReason,
  type SessionLimits,
  type SessionSnapshot,
  type SessionStartCommand,
  type TariffSnapshot,
} from '@econtrol/contracts';
import { priceSession, timeAffordable, type Interval, type Quote } from '@econtrol/billing';
import type { Journal } from '../journal/journal.js';
import type { ServerClock } from './server-clock.js';

export interface PersistedSession {
  v: 1;
  sessionId: string;
  commandId: string | null;
  customer: { id: string | null; displayName: string; member: boolean };
  tariff: TariffSnapshot;
  balanceMinor: number;
  packages: PackageBalanceSnapshot[];
  limits: SessionLimits;
  postpaid: boolean;
  free: { grantedBy: string; reason: string; endsAtMs: number } | null;
  closed: ActiveInterval[];
  current: { startMs: number; bootId: string; offline: boolean } | null;
  /** Estimated server time at the last persisted tick (end of `current` if the agent dies now). */
  lastSeenMs: number;
  paused: boolean;
  warned5: boolean;
  warned1: boolean;
}

export interface DesktopControl {
  lock(reason: string): Promise<void>;
  unlock(): Promise<void>;
}

export type SessionPhase = 'locked' | 'in_session' | 'paused' | 'resuming';

export interface SessionStatusView {
  phase: SessionPhase;
  sessionId: string | null;
  customerId: string | null;
  customerName: string | null;
  member: boolean;
  postpaid: boolean;
  free: boolean;
  usedSeconds: number;
  costMinor: number;
  /** Balance left after the running cost; null for postpaid/free sessions. */
  balanceLeftMinor: number | null;
  /** Seconds until the session ends; null when not running. */
  timeLeftSeconds: number | null;
  endReason: SessionEndReason | null;
  warning: 5 | 1 | null;
}

/** What the overlay sees when no session runs. */
export const LOCKED_STATUS: Readonly<SessionStatusView> = Object.freeze({
  phase: 'locked',
  sessionId: null,
  customerId: null,
  customerName: null,
  member: false,
  postpaid: false,
  free: false,
  usedSeconds: 0,
  costMinor: 0,
  balanceLeftMinor: null,
  timeLeftSeconds: null,
  endReason: null,
  warning: null,
});

export type SessionNotice =
  | { kind: 'warning'; minutes: 5 | 1; sessionId: string }
  | { kind: 'started'; sessionId: string }
  | { kind: 'ended'; sessionId: string; reason: SessionEndReason; amountMinor: number };

export type SessionResult =
  { ok: true; session: SessionSnapshot } | { ok: false; code: ErrorCode; message?: string };

interface Deadline {
  atMs: number;
  reason: SessionEndReason;
}

export interface SessionManagerOptions {
  journal: Journal;
  clock: ServerClock;
  desktop: DesktopControl;
  isOnline: () => boolean;
  /** Journals an event (and asks the connection to flush). */
  emit: (body: AgentEventBody) => void;
  onNotice?: (notice: SessionNotice) => void;
  tickMs?: number;
  replanEveryMs?: number;
  log?: (msg: string) => void;
}

const WARN5_S = 300;
const WARN1_S = 60;
/** Balance horizon handed to timeAffordable; an answer at the horizon means "no balance limit". */
const HORIZON_MS = 7 * 86_400_000;

export class SessionManager {
  private state: PersistedSession | null = null;
  private resuming = false;
  private deadline: Deadline | null = null;
  private plannedAtMono = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private finalTimer: NodeJS.Timeout | null = null;
  private ending = false;
  private readonly tickMs: number;
  private readonly replanEveryMs: number;

  constructor(private readonly o: SessionManagerOptions) {
    this.tickMs = o.tickMs ?? 1000;
    this.replanEveryMs = o.replanEveryMs ?? 30_000;
  }

  get activeSessionId(): string | null {
    return this.state?.sessionId ?? null;
  }

  get phase(): SessionPhase {
    if (!this.state) return 'locked';
    if (this.resuming) return 'resuming';
    return this.state.paused ? 'paused' : 'in_session';
  }

  startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.finalTimer) clearTimeout(this.finalTimer);
    this.timer = null;
    this.finalTimer = null;
  }

  /** Loads a persisted session after a restart; the PC stays locked until {@link confirmRestored}. */
  restore(): boolean {
    const saved = this.o.journal.loadSessionState<PersistedSession>();
    const s = saved?.state;
    if (!s || s.v !== 1) return false;
    if (saved.tickMs !== null) s.lastSeenMs = Math.max(s.lastSeenMs, saved.tickMs);
    if (s.current) {
      // The process that ran this interval is gone: close it at the last persisted tick.
      const end = Math.max(s.current.startMs, s.lastSeenMs);
      if (end > s.current.startMs)
        s.closed.push({ startMs: s.current.startMs, endMs: end, offline: s.current.offline });
      s.current = null;
    }
    this.state = s;
    this.resuming = true;
    this.persist();
    this.o.log?.(`restored session ${s.sessionId} (${s.closed.length} intervals); waiting for the server`);
    return true;
  }

  /**
   * Decides the fate of a restored session. `serverActiveSessionId`: what the server says runs on
   * this PC (null: nothing), or undefined when the server could not be asked (offline: resume).
   */
  async confirmRestored(serverActiveSessionId: string | null | undefined): Promise<void> {
    const s = this.state;
    if (!s || !this.resuming) return;
    this.resuming = false;
    if (serverActiveSessionId !== undefined && serverActiveSessionId !== s.sessionId) {
      await this.finish('crash_recovered', null);
      return;
    }
    if (s.paused) {
      this.persist();
      return;
    }
    await this.openInterval();
    this.o.log?.(`resumed session ${s.sessionId}`);
  }

  async start(cmd: SessionStartCommand): Promise<SessionResult> {
    if (this.state) {
      if (this.state.sessionId === cmd.sessionId && !this.resuming)
        return { ok: true, session: this.snapshot() };
      return { ok: false, code: 'PC_IN_USE' };
    }
    const now = this.o.clock.serverNow();
    const s: PersistedSession = {
      v: 1,
      sessionId: cmd.sessionId,
      commandId: cmd.commandId,
      customer: cmd.customer,
      tariff: cmd.tariff,
      balanceMinor: cmd.balanceMinor,
      packages: cmd.packages,
      limits: cmd.limits,
      postpaid: cmd.postpaid,
      free: cmd.free ?? null,
      closed: [],
      current: null,
      lastSeenMs: now,
      paused: false,
      warned5: false,
      warned1: false,
    };
    let deadline: Deadline | null;
    try {
      deadline = this.computeDeadline(s, now);
    } catch (error) {
      return { ok: false, code: 'TARIFF_NOT_CONFIGURED', message: (error as Error).message };
    }
    if (!deadline)
      return { ok: false, code: 'TARIFF_NOT_CONFIGURED', message: 'No end: nothing yields endless time' };
    const hasPackageTime = s.packages.some((p) => p.secondsRemaining > 0);
    if (!s.postpaid && !s.free && s.balanceMinor <= 0 && !hasPackageTime) {
      return { ok: false, code: 'INSUFFICIENT_BALANCE', message: 'Balance is zero' };
    }
    if (deadline.atMs - now < 1000) {
      const code: ErrorCode =
        deadline.reason === 'balance_out'
          ? 'INSUFFICIENT_BALANCE'
          : deadline.reason === 'closing_time' || deadline.reason === 'reservation'
            ? 'PC_NOT_AVAILABLE'
            : 'VALIDATION_FAILED';
      return { ok: false, code, message: `No time available (${deadline.reason})` };
    }
    // Unlock first: billing starts at the first instant the customer can use the PC (S6).
    await this.o.desktop.unlock();
    const startMs = this.o.clock.serverNow();
    s.current = { startMs, bootId: this.o.clock.bootId, offline: !this.o.isOnline() };
    s.lastSeenMs = startMs;
    this.state = s;
    this.resuming = false;
    this.o.journal.transaction(() => {
      this.persist();
      this.o.emit({
        type: 'session.started',
        sessionId: s.sessionId,
        commandId: cmd.commandId,
        unlockedAtMs: startMs,
      });
    });
    this.plan(true);
    this.o.onNotice?.({ kind: 'started', sessionId: s.sessionId });
    return { ok: true, session: this.snapshot() };
  }

  async end(reason: SessionEndReason, sessionId?: string): Promise<SessionResult> {
    if (!this.state) return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    if (sessionId !== undefined && sessionId !== this.state.sessionId)
      return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    const snap = await this.finish(reason, null);
    return snap ? { ok: true, session: snap } : { ok: false, code: 'SESSION_ALREADY_ENDED' };
  }

  extend(
    sessionId: string,
    change: { balanceMinor?: number; packages?: PackageBalanceSnapshot[]; limits?: SessionLimits },
  ): SessionResult {
    const s = this.state;
    if (!s || s.sessionId !== sessionId) return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    if (change.balanceMinor !== undefined) s.balanceMinor = change.balanceMinor;
    if (change.packages !== undefined) s.packages = change.packages;
    if (change.limits !== undefined) s.limits = change.limits;
    this.plan(true);
    const left = this.timeLeftSeconds();
    if (left !== null && left > WARN5_S) s.warned5 = false;
    if (left !== null && left > WARN1_S) s.warned1 = false;
    this.persist();
    return { ok: true, session: this.snapshot() };
  }

  async pause(sessionId: string): Promise<SessionResult> {
    const s = this.state;
    if (!s || s.sessionId !== sessionId || this.resuming) return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    if (!s.paused) {
      this.closeInterval(this.o.clock.serverNow());
      s.paused = true;
      this.o.journal.transaction(() => {
        this.persist();
        this.o.emit({ type: 'session.paused', sessionId });
      });
      await this.o.desktop.lock('paused');
    }
    return { ok: true, session: this.snapshot() };
  }

  async resume(sessionId: string): Promise<SessionResult> {
    const s = this.state;
    if (!s || s.sessionId !== sessionId || this.resuming) return { ok: false, code: 'SESSION_NOT_ACTIVE' };
    if (s.paused) {
      s.paused = false;
      await this.openInterval();
      this.o.emit({ type: 'session.resumed', sessionId });
    }
    return { ok: true, session: this.snapshot() };
  }

  /** One timer tick. Public for tests (driven with a fake clock). */
  async tick(): Promise<void> {
    const s = this.state;
    if (!s || this.resuming || s.paused || !s.current || this.ending) return;
    const now = this.o.clock.serverNow();
    let changed = false;
    if (!s.current.offline && !this.o.isOnline()) {
      s.current.offline = true;
      changed = true;
    }
    if (this.o.clock.monoNow() - this.plannedAtMono >= this.replanEveryMs) this.plan(false);
    const d = this.deadline;
    if (d && now >= d.atMs) {
      await this.finish(d.reason, d.atMs);
      return;
    }
    s.lastSeenMs = Math.max(now, s.current.startMs);
    if (d) {
      const leftMs = d.atMs - now;
      const left = Math.ceil(leftMs / 1000);
      if (left <= WARN1_S && !s.warned1) {
        s.warned1 = true;
        s.warned5 = true;
        changed = true;
        this.o.onNotice?.({ kind: 'warning', minutes: 1, sessionId: s.sessionId });
      } else if (left <= WARN5_S && !s.warned5) {
        s.warned5 = true;
        changed = true;
        this.o.onNotice?.({ kind: 'warning', minutes: 5, sessionId: s.sessionId });
      }
      if (leftMs <= this.tickMs && !this.finalTimer) {
        this.finalTimer = setTimeout(
          () => {
            this.finalTimer = null;
            void this.tick();
          },
          Math.max(0, leftMs),
        );
      }
    }
    if (changed) this.persist();
    else this.o.journal.saveSessionTick(s.lastSeenMs);
  }

  /** Anchor jumped (new server time observation): re-plan on the next tick. */
  invalidatePlan(): void {
    this.plannedAtMono = -Infinity;
  }

  intervalsNow(atMs?: number): ActiveInterval[] {
    const s = this.state;
    if (!s) return [];
    const list = [...s.closed];
    if (s.current) {
      const end = Math.max(s.current.startMs, atMs ?? this.o.clock.serverNow());
      list.push({ startMs: s.current.startMs, endMs: end, offline: s.current.offline });
    }
    return list;
  }

  quoteNow(atMs?: number): Quote {
    const s = this.state;
    if (!s) return emptyQuote();
    return this.price(s, this.intervalsNow(atMs));
  }

  snapshot(): SessionSnapshot {
    const s = this.state;
    if (!s) throw new Error('no session');
    const intervals = this.intervalsNow();
    const q = this.price(s, intervals);
    return {
      sessionId: s.sessionId,
      intervals,
      billedSeconds: q.billedSeconds,
      amountMinor: q.amountMinor,
      paused: s.paused,
    };
  }

  timeLeftSeconds(): number | null {
    if (!this.state || !this.deadline) return null;
    return Math.max(0, Math.ceil((this.deadline.atMs - this.o.clock.serverNow()) / 1000));
  }

  status(): SessionStatusView {
    const s = this.state;
    if (!s) return { ...LOCKED_STATUS };
    const q = this.quoteNow();
    const left = this.resuming ? null : this.timeLeftSeconds();
    return {
      phase: this.phase,
      sessionId: s.sessionId,
      customerId: s.customer.id,
      customerName: s.customer.displayName,
      member: s.customer.member,
      postpaid: s.postpaid,
      free: s.free !== null,
      usedSeconds: q.billedSeconds,
      costMinor: q.amountMinor,
      balanceLeftMinor: s.postpaid || s.free ? null : Math.max(0, s.balanceMinor - q.amountMinor),
      timeLeftSeconds: left,
      endReason: this.deadline?.reason ?? null,
      warning: left === null ? null : left <= WARN1_S ? 1 : left <= WARN5_S ? 5 : null,
    };
  }

  // ───────────────────────── internals ─────────────────────────

  private price(s: PersistedSession, intervals: ActiveInterval[]): Quote {
    if (s.free) return { ...emptyQuote(), billedSeconds: totalSeconds(intervals) };
    return priceSession({
      tariff: s.tariff,
      member: s.customer.member,
      intervals: toBilling(intervals),
      packages: s.packages,
    });
  }

  private plan(force: boolean): void {
    const s = this.state;
    if (!s || (!force && this.ending)) return;
    this.plannedAtMono = this.o.clock.monoNow();
    try {
      this.deadline = this.computeDeadline(s, this.o.clock.serverNow());
    } catch (error) {
      this.o.log?.(`planning failed: ${(error as Error).message}`);
    }
  }

  /** Earliest end of the session from `nowMs` (server time); null when nothing bounds it. */
  private computeDeadline(s: PersistedSession, nowMs: number): Deadline | null {
    const candidates: Deadline[] = [];
    if (s.limits.endsAtMs !== undefined) {
      candidates.push({ atMs: s.limits.endsAtMs, reason: s.limits.endReason ?? 'closing_time' });
    }
    if (s.free) candidates.push({ atMs: s.free.endsAtMs, reason: 'time_up' });
    const used = this.intervalsFor(s, nowMs);
    const usedMs = used.reduce((a, i) => a + (i.endMs - i.startMs), 0);
    for (const cap of [s.limits.maxSeconds, s.limits.prepaidSeconds]) {
      if (cap !== undefined)
        candidates.push({ atMs: nowMs + Math.max(0, cap * 1000 - usedMs), reason: 'time_up' });
    }
    if (!s.postpaid && !s.free) {
      // The running interval is cut at its last whole second, so the deadline stays on the
      // interval's second grid (the engine counts whole seconds per interval).
      const billingUsed = toBilling(
        used.map((i) => ({ ...i, endMs: i.startMs + Math.floor((i.endMs - i.startMs) / 1000) * 1000 })),
      );
      const spent = priceSession({
        tariff: s.tariff,
        member: s.customer.member,
        intervals: billingUsed,
        packages: s.packages,
      });
      const from = s.current
        ? s.current.startMs + Math.floor(Math.max(0, nowMs - s.current.startMs) / 1000) * 1000
        : Math.max(nowMs, ...billingUsed.map((i) => i.endMs));
      const seconds = timeAffordable({
        tariff: s.tariff,
        member: s.customer.member,
        fromMs: from,
        balanceMinor: Math.max(0, s.balanceMinor - spent.amountMinor),
        packages: s.packages,
        alreadyUsedIntervals: billingUsed,
        horizonMs: HORIZON_MS,
      });
      if (seconds * 1000 < HORIZON_MS)
        candidates.push({ atMs: from + seconds * 1000, reason: 'balance_out' });
    }
    let best: Deadline | null = null;
    for (const c of candidates) if (!best || c.atMs < best.atMs) best = c;
    return best;
  }

  private intervalsFor(s: PersistedSession, nowMs: number): ActiveInterval[] {
    const list = [...s.closed];
    if (s.current)
      list.push({
        startMs: s.current.startMs,
        endMs: Math.max(s.current.startMs, nowMs),
        offline: s.current.offline,
      });
    return list;
  }

  private closeInterval(atMs: number): void {
    const s = this.state;
    if (!s?.current) return;
    const end = Math.max(s.current.startMs, atMs);
    s.closed.push({ startMs: s.current.startMs, endMs: end, offline: s.current.offline });
    s.current = null;
    s.lastSeenMs = end;
  }

  private async openInterval(): Promise<void> {
    const s = this.state;
    if (!s) return;
    await this.o.desktop.unlock();
    const lastEnd = s.closed.reduce((m, i) => Math.max(m, i.endMs), 0);
    const start = Math.max(this.o.clock.serverNow(), lastEnd);
    s.current = { startMs: start, bootId: this.o.clock.bootId, offline: !this.o.isOnline() };
    s.lastSeenMs = start;
    this.persist();
    this.plan(true);
  }

  /** Ends the session: close at `atMs` (deadline) or now, journal the end, clear state, lock. */
  private async finish(reason: SessionEndReason, atMs: number | null): Promise<SessionSnapshot | null> {
    const s = this.state;
    if (!s || this.ending) return null;
    this.ending = true;
    try {
      if (this.finalTimer) clearTimeout(this.finalTimer);
      this.finalTimer = null;
      const now = this.o.clock.serverNow();
      this.closeInterval(atMs === null ? now : Math.min(atMs, now));
      const intervals = s.closed;
      const q = this.price(s, intervals);
      const snap: SessionSnapshot = {
        sessionId: s.sessionId,
        intervals,
        billedSeconds: q.billedSeconds,
        amountMinor: q.amountMinor,
        paused: false,
      };
      this.o.journal.transaction(() => {
        this.o.journal.clearSessionState();
        this.o.emit({
          type: 'session.ended',
          sessionId: s.sessionId,
          reason,
          intervals,
          billedSeconds: q.billedSeconds,
          amountMinor: q.amountMinor,
        });
      });
      this.state = null;
      this.resuming = false;
      this.deadline = null;
      this.o.onNotice?.({ kind: 'ended', sessionId: s.sessionId, reason, amountMinor: q.amountMinor });
      await this.o.desktop.lock(reason);
      return snap;
    } finally {
      this.ending = false;
    }
  }

  private persist(): void {
    if (this.state) this.o.journal.saveSessionState(this.state);
  }
}

function toBilling(intervals: ActiveInterval[]): Interval[] {
  return intervals.filter((i) => i.endMs > i.startMs).map((i) => ({ startMs: i.startMs, endMs: i.endMs }));
}

function totalSeconds(intervals: ActiveInterval[]): number {
  return intervals.reduce((a, i) => a + Math.floor((i.endMs - i.startMs) / 1000), 0);
}

function emptyQuote(): Quote {
  return {
    billedSeconds: 0,
    packageSeconds: [],
    chargeableSeconds: 0,
    amountMinor: 0,
    exactAmount: { numerator: 0, denominator: 3600 },
    segments: [],
  };
}
