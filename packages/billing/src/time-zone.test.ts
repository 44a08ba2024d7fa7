import { describe, expect, it } from 'vitest';
import {
  nextBoundaryMs,
  priceSession,
  zonedParts,
  zonedTimeToMs,
  type Tariff,
  type TimeRule,
} from './index.js';

const HOUR = 3_600_000;
const utc = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
const tariff = (timezone: string, rules: TimeRule[]): Tariff => ({
  timezone,
  ratePerHourMinor: 300,
  rules,
  granularity: 'second',
  minimumChargeMinor: 0,
});
const rule = (start: string, end: string, over: Partial<TimeRule> = {}): TimeRule => ({
  id: 'r',
  name: 'r',
  days: [],
  start,
  end,
  discountPercent: 50,
  ...over,
});
const price = (t: Tariff, startMs: number, endMs: number) =>
  priceSession({ tariff: t, member: false, intervals: [{ startMs, endMs }] });

describe('time-zone helpers', () => {
  it('local parts of an instant', () => {
    expect(zonedParts(utc(2024, 6, 5, 20, 30), 'America/Lima')).toEqual({
      year: 2024,
      month: 6,
      day: 5,
      hour: 15,
      minute: 30,
      second: 0,
      weekday: 3,
    });
    expect(zonedParts(utc(2024, 6, 9, 4, 59), 'America/Lima').weekday).toBe(6); // Sat 23:59
  });

  it('a local time that does not exist maps to the first valid instant after it', () => {
    // New York 2024-03-10: 02:00 EST → 03:00 EDT at 07:00Z
    expect(zonedTimeToMs('America/New_York', { year: 2024, month: 3, day: 10, hour: 2, minute: 30 })).toBe(
      utc(2024, 3, 10, 7),
    );
    // Santiago 2024-09-08: 00:00 −04 → 01:00 −03 at 04:00Z (the gap is at midnight)
    expect(zonedTimeToMs('America/Santiago', { year: 2024, month: 9, day: 8, hour: 0, minute: 0 })).toBe(
      utc(2024, 9, 8, 4),
    );
  });

  it('an ambiguous local time maps to its first occurrence', () => {
    // New York 2024-11-03: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST)
    expect(zonedTimeToMs('America/New_York', { year: 2024, month: 11, day: 3, hour: 1, minute: 30 })).toBe(
      utc(2024, 11, 3, 5, 30),
    );
    // Madrid 2024-10-27: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET)
    expect(zonedTimeToMs('Europe/Madrid', { year: 2024, month: 10, day: 27, hour: 2, minute: 30 })).toBe(
      utc(2024, 10, 27, 0, 30),
    );
  });

  it('ordinary local times', () => {
    expect(zonedTimeToMs('America/Lima', { year: 2024, month: 6, day: 5, hour: 15, minute: 30 })).toBe(
      utc(2024, 6, 5, 20, 30),
    );
    expect(
      zonedTimeToMs('Europe/Madrid', { year: 2024, month: 7, day: 1, hour: 0, minute: 0, second: 5 }),
    ).toBe(utc(2024, 6, 30, 22) + 5000);
  });
});

describe('DST: sessions are billed for real elapsed seconds', () => {
  it('spring forward (New York): 01:00 EST → 04:00 EDT is 2 real hours, not 3', () => {
    const q = price(tariff('America/New_York', []), utc(2024, 3, 10, 6), utc(2024, 3, 10, 8));
    expect(q.billedSeconds).toBe(7200);
    expect(q.amountMinor).toBe(600);
  });

  it('rule window starting inside the spring-forward gap starts at the transition', () => {
    // window 02:30–04:00 local → 03:00 EDT (07:00Z) .. 04:00 EDT (08:00Z): 1 real hour at 50%
    const q = price(
      tariff('America/New_York', [rule('02:30', '04:00')]),
      utc(2024, 3, 10, 6),
      utc(2024, 3, 10, 9),
    );
    expect(q.amountMinor).toBe(300 + 150 + 300);
    expect(q.segments.map((s) => [s.ruleId, s.startMs])).toEqual([
      [null, utc(2024, 3, 10, 6)],
      ['r', utc(2024, 3, 10, 7)],
      [null, utc(2024, 3, 10, 8)],
    ]);
  });

  it('fall back (New York): window 01:00–02:00 lasts 2 real hours (first 01:00 EDT .. 02:00 EST)', () => {
    // session 00:00 EDT (04:00Z) → 03:00 EST (08:00Z) = 4 real hours, wall difference 3 h
    const q = price(
      tariff('America/New_York', [rule('01:00', '02:00')]),
      utc(2024, 11, 3, 4),
      utc(2024, 11, 3, 8),
    );
    expect(q.billedSeconds).toBe(4 * 3600);
    expect(q.amountMinor).toBe(300 + 2 * 150 + 300);
  });

  it('night window on Santiago spring-forward night (gap at midnight): 22:00–06:00 is 7 real hours', () => {
    // Sat 2024-09-07 22:00 −04 = 02:00Z … Sun 06:00 −03 = 09:00Z
    const t = tariff('America/Santiago', [
      rule('22:00', '06:00', { ratePerHourMinor: 200, discountPercent: undefined }),
    ]);
    const q = price(t, utc(2024, 9, 8, 1), utc(2024, 9, 8, 10));
    expect(q.amountMinor).toBe(300 + 7 * 200 + 300);
  });

  it('Santiago fall-back: window 23:00–01:00 starting at the ambiguous 23:00 lasts 3 real hours', () => {
    // Sat 2024-04-06 23:00 −03 (first occurrence, 02:00Z) … Sun 01:00 −04 (05:00Z)
    const t = tariff('America/Santiago', [
      rule('23:00', '01:00', { ratePerHourMinor: 100, discountPercent: undefined, days: [6] }),
    ]);
    const q = price(t, utc(2024, 4, 7, 1), utc(2024, 4, 7, 6));
    expect(q.amountMinor).toBe(300 + 3 * 100 + 300);
    expect(nextBoundaryMs(t, utc(2024, 4, 7, 1))).toBe(utc(2024, 4, 7, 2));
    expect(nextBoundaryMs(t, utc(2024, 4, 7, 2))).toBe(utc(2024, 4, 7, 5));
  });

  it('Madrid: a Sunday-only all-day rule on the spring-forward Sunday covers 23 real hours', () => {
    const t = tariff('Europe/Madrid', [rule('00:00', '00:00', { days: [0] })]);
    const q = price(t, utc(2024, 3, 30, 22), utc(2024, 3, 31, 23));
    expect(q.billedSeconds).toBe(25 * 3600);
    expect(q.amountMinor).toBe(300 + 23 * 150 + 300);
    expect(q.segments[1]).toMatchObject({
      ruleId: 'r',
      startMs: utc(2024, 3, 30, 23),
      endMs: utc(2024, 3, 30, 23) + 23 * HOUR,
    });
  });
});
