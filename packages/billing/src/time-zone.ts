import { BillingInputError } from './errors.js';
import { describe } from './validate.js';

/** Wall-clock parts of an instant in a time zone. `weekday`: 0 = Sunday … 6 = Saturday. */
export interface ZonedParts {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  hour: number; // 0..23
  minute: number;
  second: number;
  weekday: number;
}

/** A local wall time (seconds optional, default 0). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

const DAY_MS = 86_400_000;

// Constructing an Intl.DateTimeFormat is slow: one per zone, reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new BillingInputError(`unknown IANA time zone ${describe(timeZone)}`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws {@link BillingInputError} unless `timeZone` is a zone this runtime knows. */
export function assertTimeZone(timeZone: unknown): asserts timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new BillingInputError(`timezone must be an IANA zone name, got ${describe(timeZone)}`);
  }
  formatterFor(timeZone);
}

/** Days since 1970-01-01 of a proleptic Gregorian civil date. */
export function epochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}

/** Civil date of an epoch day, with its weekday. */
export function civilFromEpochDay(days: number): {
  year: number;
  month: number;
  day: number;
  weekday: number;
} {
  const d = new Date(days * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (((days + 4) % 7) + 7) % 7, // 1970-01-01 was a Thursday
  };
}

function wallAsUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  return epochDay(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** Local wall-clock parts of `ms` in `timeZone` (milliseconds are dropped). */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const v: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') v[p.type] = Number(p.value);
  }
  const year = v.year ?? 0;
  const month = v.month ?? 1;
  const day = v.day ?? 1;
  const hour = v.hour ?? 0;
  const minute = v.minute ?? 0;
  const second = v.second ?? 0;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: civilFromEpochDay(epochDay(year, month, day)).weekday,
  };
}

/** UTC offset (ms, local − UTC) in force at instant `ms`. */
export function offsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = zonedParts(whole, timeZone);
  return wallAsUtc(p.year, p.month, p.day, p.hour, p.minute, p.second) - whole;
}

const localCache = new Map<string, number>();
const LOCAL_CACHE_MAX = 20_000;

/**
 * The instant of a local wall time in `timeZone`.
 * - Nonexistent local time (spring-forward gap) → the first valid instant after it (the transition).
 * - Ambiguous local time (fall-back overlap) → its first occurrence.
 */
export function zonedTimeToMs(timeZone: string, t: LocalDateTime): number {
  const second = t.second ?? 0;
  const key = `${timeZone}|${t.year}|${t.month}|${t.day}|${t.hour}|${t.minute}|${second}`;
  const hit = localCache.get(key);
  if (hit !== undefined) return hit;
  const wall = wallAsUtc(t.year, t.month, t.day, t.hour, t.minute, second);
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  let result: number | undefined;
  for (const off of before === after ? [before] : [before, after]) {
    const candidate = wall - off;
    if (offsetMs(candidate, timeZone) === off && (result === undefined || candidate < result))
      result = candidate;
  }
  if (result === undefined) {
    // In a gap: the offset jumps from `before` to `after` (> before) between these two instants.
    let lo = wall - after; // still on the old offset
    let hi = wall - before; // already on the new offset
    if (hi <= lo) {
      result = hi; // more than one transition within ±1 day: best effort
    } else {
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetMs(mid, timeZone) === before) lo = mid;
        else hi = mid;
      }
      result = hi;
    }
  }
  if (localCache.size >= LOCAL_CACHE_MAX) localCache.clear();
  localCache.set(key, result);
  return result;
}

/** Epoch day (in local civil terms) of instant `ms` in `timeZone`. */
export function localEpochDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return epochDay(p.year, p.month, p.day);
}
