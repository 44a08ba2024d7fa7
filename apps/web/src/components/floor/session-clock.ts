import { type Pc } from '@econtrol/contracts';

type LiveSession = NonNullable<Pc['session']>;

const parse = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** Minutes since the session started (null before it starts). */
export function minutesUsed(s: LiveSession, nowMs: number): number | null {
  const start = parse(s.startedAt);
  return start === null ? null : Math.max(0, (nowMs - start) / 60_000);
}

/** Minutes until the session ends by itself (prepaid / free grant), null when open-ended. */
export function minutesLeft(s: LiveSession, nowMs: number): number | null {
  const end = parse(s.hardEndAt);
  return end === null ? null : Math.max(0, (end - nowMs) / 60_000);
}

/**
 * Running cost between server events: the server's price at `costAt` plus the current rate for
 * the time since (0 when paused), never below the server's figure nor, once a second has been
 * paid, the tariff's minimum charge.
 * An estimate for the tile only; the server's price at the next event or at the end is the truth.
 */
export function runningCost(s: LiveSession, nowMs: number): number {
  const at = parse(s.costAt);
  if (at === null || s.ratePerHourMinor <= 0 || s.status !== 'ACTIVE') return s.costMinor;
  const elapsed = Math.max(0, nowMs - at);
  const accrued = Math.round(s.accruedMinor + (s.ratePerHourMinor * elapsed) / 3_600_000);
  return Math.max(s.costMinor, accrued, s.costMinor > 0 || elapsed >= 1_000 ? s.minimumChargeMinor : 0);
}
