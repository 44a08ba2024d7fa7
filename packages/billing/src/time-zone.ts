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
  if (!zoneTables.has(timeZone)) formatterFor(timeZone);
}

/**
 * A zone's UTC offsets over [fromMs, toMs): `offsets[i] = [instant ms, offset s]`, sorted, the
 * first at fromMs; each offset holds until the next instant. Built by {@link buildZoneTable} where
 * memory is cheap (the server) and installed where it is not (the PC agent): creating any
 * `Intl.DateTimeFormat` costs ~8 MB of ICU data in RSS.
 */
export interface ZoneTable {
  timeZone: string;
  fromMs: number;
  toMs: number;
  offsets: [number, number][];
}

const zoneTables = new Map<string, ZoneTable>();
const TABLE_STEP_MS = 6 * 3_600_000;

/** The offsets of `timeZone` over [fromMs, toMs), to the second (uses Intl). */
export function buildZoneTable(timeZone: string, fromMs: number, toMs: number): ZoneTable {
  const at = (ms: number) => intlOffsetMs(ms, timeZone) / 1000;
  const start = Math.floor(fromMs / 1000) * 1000;
  const offsets: [number, number][] = [[start, at(start)]];
  for (let lo = start; lo < toMs; lo += TABLE_STEP_MS) {
    let hi = Math.min(lo + TABLE_STEP_MS, Math.ceil(toMs / 1000) * 1000);
    const before = at(lo);
    if (at(hi) === before) continue;
    // One transition within a step (zones change at most a few times a year): find its second.
    let low = lo;
    while (hi - low > 1000) {
      const mid = low + Math.floor((hi - low) / 2000) * 1000;
      if (at(mid) === before) low = mid;
      else hi = mid;
    }
    offsets.push([hi, at(hi)]);
  }
  return { timeZone, fromMs: start, toMs, offsets };
}

/**
 * From now on, instants of `table.timeZone` inside its range are converted with the table, not
 * Intl. Throws {@link BillingInputError} on a malformed table.
 */
export function installZoneTable(table: ZoneTable): void {
  const { timeZone, fromMs, toMs, offsets } = table;
  const ok =
    typeof timeZone === 'string' &&
    timeZone !== '' &&
    Number.isSafeInteger(fromMs) &&
    Number.isSafeInteger(toMs) &&
    fromMs < toMs &&
    Array.isArray(offsets) &&
    offsets.length > 0 &&
    offsets[0]?.[0] === fromMs &&
    offsets.every(
      ([ms, off], i) =>
        Number.isSafeInteger(ms) &&
        Number.isInteger(off) &&
        Math.abs(off) <= 18 * 3600 &&
        (i === 0 || ms > (offsets[i - 1]?.[0] ?? ms)),
    );
  if (!ok) throw new BillingInputError(`malformed zone table for ${describe(timeZone)}`);
  zoneTables.set(timeZone, { timeZone, fromMs, toMs, offsets: offsets.map(([ms, off]) => [ms, off]) });
  localCache.clear();
}

/** Back to Intl for `timeZone`. */
export function removeZoneTable(timeZone: string): void {
  if (zoneTables.delete(timeZone)) localCache.clear();
}

/** Offset (s) of `ms` from an installed table, or undefined when none covers it. */
function tableOffsetS(ms: number, timeZone: string): number | undefined {
  const table = zoneTables.get(timeZone);
  if (table === undefined || ms < table.fromMs || ms >= table.toMs) return undefined;
  const o = table.offsets;
  let lo = 0;
  let hi = o.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((o[mid]?.[0] ?? Infinity) <= ms) lo = mid;
    else hi = mid - 1;
  }
  return o[lo]?.[1];
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
  const offsetS = tableOffsetS(ms, timeZone);
  if (offsetS !== undefined) {
    const local = Math.floor(ms / 1000) + offsetS;
    const days = Math.floor(local / 86_400);
    const secondOfDay = local - days * 86_400;
    return {
      ...civilFromEpochDay(days),
      hour: Math.floor(secondOfDay / 3600),
      minute: Math.floor((secondOfDay % 3600) / 60),
      second: secondOfDay % 60,
    };
  }
  return intlZonedParts(ms, timeZone);
}

function intlZonedParts(ms: number, timeZone: string): ZonedParts {
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
  const offsetS = tableOffsetS(ms, timeZone);
  return offsetS === undefined ? intlOffsetMs(ms, timeZone) : offsetS * 1000;
}

function intlOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = intlZonedParts(whole, timeZone);
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
