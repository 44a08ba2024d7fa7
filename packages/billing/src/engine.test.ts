import { describe, expect, it } from 'vitest';
import {
  BillingInputError,
  charge,
  nextBoundaryMs,
  priceSession,
  quote,
  timeAffordable,
  type PackageBalance,
  type Tariff,
  type TimeRule,
} from './index.js';

const MIN = 60_000;
/** Lima is UTC−5 all year (no DST). 2024-06-05 is a Wednesday, 2024-06-08 a Saturday. */
const lima = (d: number, h: number, m = 0, s = 0): number => Date.UTC(2024, 5, d, h + 5, m, s);

const base: Tariff = {
  timezone: 'America/Lima',
  ratePerHourMinor: 300,
  memberRatePerHourMinor: 200,
  rules: [],
  granularity: 'second',
  minimumChargeMinor: 0,
};
const tariff = (over: Partial<Tariff> = {}): Tariff => ({ ...base, ...over });
const happyHour: TimeRule = {
  id: 'hh',
  name: 'Happy hour',
  days: [],
  start: '14:00',
  end: '16:00',
  discountPercent: 50,
};
const night: TimeRule = {
  id: 'night',
  name: 'Noche',
  days: [],
  start: '22:00',
  end: '06:00',
  ratePerHourMinor: 200,
};
const price = (t: Tariff, startMs: number, endMs: number, packages?: PackageBalance[], member = false) =>
  priceSession({ tariff: t, member, intervals: [{ startMs, endMs }], ...(packages ? { packages } : {}) });

describe('priceSession: hand-computed table', () => {
  it('3.00/h for 37 min 30 s per second = 187.5 → 188 (half-up on the total)', () => {
    const q = price(tariff(), lima(5, 10), lima(5, 10, 37, 30));
    expect(q.billedSeconds).toBe(2250);
    expect(q.exactAmount).toEqual({ numerator: 675_000, denominator: 3600 });
    expect(q.amountMinor).toBe(188);
    expect(q.chargeableSeconds).toBe(2250);
    expect(q.segments).toEqual([
      {
        startMs: lima(5, 10),
        endMs: lima(5, 10, 37, 30),
        seconds: 2250,
        ratePerHourMinor: 300,
        ruleId: null,
        packageId: null,
      },
    ]);
  });

  it('counts whole seconds only: a trailing fraction of a second is not billed', () => {
    expect(price(tariff(), lima(5, 10), lima(5, 10, 37, 30) + 999).billedSeconds).toBe(2250);
    expect(price(tariff(), lima(5, 10), lima(5, 10) + 999).amountMinor).toBe(0);
  });

  it('rounds half-down below .5: 1 min at 3.00/h = 5 exactly, 61 s = 5.083 → 5, 66 s = 5.5 → 6', () => {
    expect(price(tariff(), lima(5, 10), lima(5, 10, 1)).amountMinor).toBe(5);
    expect(price(tariff(), lima(5, 10), lima(5, 10, 1, 1)).amountMinor).toBe(5);
    expect(price(tariff(), lima(5, 10), lima(5, 10, 1, 6)).amountMinor).toBe(6);
  });

  it('per started minute: 37 min 30 s bills 38 min = 1.90', () => {
    const q = price(tariff({ granularity: 'minute' }), lima(5, 10), lima(5, 10, 37, 30));
    expect(q.billedSeconds).toBe(2280);
    expect(q.amountMinor).toBe(190);
    expect(price(tariff({ granularity: 'minute' }), lima(5, 10), lima(5, 10, 1)).billedSeconds).toBe(60);
    expect(price(tariff({ granularity: 'minute' }), lima(5, 10), lima(5, 10, 1, 1)).billedSeconds).toBe(120);
  });

  it('minimum charge applies to a short session, not to an empty one', () => {
    const t = tariff({ minimumChargeMinor: 100 });
    expect(price(t, lima(5, 10), lima(5, 10, 5)).amountMinor).toBe(100); // 0.25 → minimum 1.00
    expect(price(t, lima(5, 10), lima(5, 10, 40)).amountMinor).toBe(200);
    expect(price(t, lima(5, 10), lima(5, 10)).amountMinor).toBe(0);
    expect(priceSession({ tariff: t, member: false, intervals: [] }).amountMinor).toBe(0);
  });

  it('member rate: 30 min at 2.00/h = 1.00; member defaults to the guest rate', () => {
    expect(price(tariff(), lima(5, 10), lima(5, 10, 30), undefined, true).amountMinor).toBe(100);
    const t = tariff({ memberRatePerHourMinor: undefined });
    expect(price(t, lima(5, 10), lima(5, 10, 30), undefined, true).amountMinor).toBe(150);
  });

  it('happy hour 14:00–16:00 at 50% crossing 15:30→16:30 in America/Lima', () => {
    const q = price(tariff({ rules: [happyHour] }), lima(5, 15, 30), lima(5, 16, 30));
    expect(q.amountMinor).toBe(75 + 150);
    expect(q.segments.map((s) => [s.ruleId, s.ratePerHourMinor, s.seconds])).toEqual([
      ['hh', 150, 1800],
      [null, 300, 1800],
    ]);
    expect(q.segments[0]?.endMs).toBe(lima(5, 16));
    // members get 50% of their own rate
    expect(
      price(tariff({ rules: [happyHour] }), lima(5, 15, 30), lima(5, 16, 30), undefined, true).amountMinor,
    ).toBe(50 + 100);
  });

  it('a second is priced by the rate at its start (sub-second aligned sessions)', () => {
    const q = price(tariff({ rules: [happyHour] }), lima(5, 15, 59, 59) + 500, lima(5, 16, 0, 2) + 500);
    expect(q.segments.map((s) => [s.ratePerHourMinor, s.seconds])).toEqual([
      [150, 1],
      [300, 2],
    ]);
  });

  it('night window 22:00–06:00 wraps midnight', () => {
    const q = price(tariff({ rules: [night] }), lima(5, 21), lima(6, 7));
    expect(q.amountMinor).toBe(300 + 8 * 200 + 300);
    expect(q.segments.map((s) => [s.ruleId, s.seconds / 3600])).toEqual([
      [null, 1],
      ['night', 8],
      [null, 1],
    ]);
  });

  it('a wrapping window belongs to the day it starts', () => {
    const fridayNight: TimeRule = { ...night, days: [5] };
    const t = tariff({ rules: [fridayNight] });
    expect(price(t, lima(8, 5), lima(8, 7)).amountMinor).toBe(200 + 300); // Sat 05–07: Friday's window
    expect(price(t, lima(8, 22), lima(8, 23)).amountMinor).toBe(300); // Sat 22–23: no window
    expect(price(t, lima(7, 22), lima(7, 23)).amountMinor).toBe(200); // Fri 22–23
  });

  it('weekday-only rule', () => {
    const weekday: TimeRule = {
      id: 'wd',
      name: 'L-V',
      days: [1, 2, 3, 4, 5],
      start: '10:00',
      end: '18:00',
      ratePerHourMinor: 200,
    };
    const t = tariff({ rules: [weekday] });
    expect(price(t, lima(5, 12), lima(5, 13)).amountMinor).toBe(200); // Wednesday
    expect(price(t, lima(8, 12), lima(8, 13)).amountMinor).toBe(300); // Saturday
  });

  it('first matching rule wins; a 24 h window (start == end); explicit member rate in a rule', () => {
    const allDay: TimeRule = {
      id: 'all',
      name: 'all',
      days: [],
      start: '00:00',
      end: '00:00',
      ratePerHourMinor: 250,
      memberRatePerHourMinor: 120,
    };
    expect(price(tariff({ rules: [happyHour, allDay] }), lima(5, 15), lima(5, 16)).amountMinor).toBe(150);
    expect(price(tariff({ rules: [allDay, happyHour] }), lima(5, 15), lima(5, 16)).amountMinor).toBe(250);
    expect(price(tariff({ rules: [allDay] }), lima(5, 15), lima(5, 16), undefined, true).amountMinor).toBe(
      120,
    );
  });

  it('a rule replacing only the guest rate keeps an explicit tariff member rate (discount applies to it)', () => {
    const r: TimeRule = { id: 'r', name: 'r', days: [], start: '00:00', end: '00:00', ratePerHourMinor: 100 };
    expect(price(tariff({ rules: [r] }), lima(5, 15), lima(5, 16), undefined, true).amountMinor).toBe(200);
    const noMember = tariff({ rules: [r], memberRatePerHourMinor: undefined });
    expect(price(noMember, lima(5, 15), lima(5, 16), undefined, true).amountMinor).toBe(100);
    // discounted rate is an integer rate per hour, rounded half-up: 333 × 0.5 = 166.5 → 167
    const d: TimeRule = { id: 'd', name: 'd', days: [], start: '00:00', end: '00:00', discountPercent: 50 };
    expect(
      price(tariff({ rules: [d], ratePerHourMinor: 333 }), lima(5, 15), lima(5, 16)).segments[0]
        ?.ratePerHourMinor,
    ).toBe(167);
  });

  it('several intervals (pauses) are billed for active time only', () => {
    const q = priceSession({
      tariff: tariff({ granularity: 'minute' }),
      member: false,
      intervals: [
        { startMs: lima(5, 15, 50), endMs: lima(5, 15, 55, 10) },
        { startMs: lima(5, 15), endMs: lima(5, 15, 10, 30) }, // order does not matter
      ],
    });
    expect(q.billedSeconds).toBe(16 * 60); // 15:40 → 16 min
    expect(q.amountMinor).toBe(80);
  });

  it('minute rounding seconds are priced after the last interval end (at the rate in force then)', () => {
    const q = price(
      tariff({ rules: [{ ...happyHour, start: '16:00', end: '18:00' }], granularity: 'minute' }),
      lima(5, 15, 59, 20),
      lima(5, 15, 59, 50),
    );
    // 30 s active + 10 rounding s at 3.00/h, then 20 rounding s at 1.50/h = (12000 + 3000)/3600 = 4.17 → 4
    expect(q.exactAmount.numerator).toBe(15_000);
    expect(q.amountMinor).toBe(4);
    expect(q.segments.at(-1)).toMatchObject({
      startMs: lima(5, 16),
      endMs: lima(5, 16, 0, 20),
      ratePerHourMinor: 150,
    });
  });

  it('quote is priceSession; charge prices one interval', () => {
    expect(quote).toBe(priceSession);
    expect(charge(tariff(), false, { startMs: lima(5, 10), endMs: lima(5, 11) }).amountMinor).toBe(300);
    const pk = [{ id: 'p', secondsRemaining: 1800 }];
    expect(charge(tariff(), false, { startMs: lima(5, 10), endMs: lima(5, 11) }, pk).amountMinor).toBe(150);
  });
});

describe('packages', () => {
  const threeHours: PackageBalance = { id: '3h', secondsRemaining: 3600 };

  it('are consumed first, then money', () => {
    const q = price(tariff(), lima(5, 10), lima(5, 11, 30), [threeHours]);
    expect(q.packageSeconds).toEqual([{ packageId: '3h', seconds: 3600 }]);
    expect(q.chargeableSeconds).toBe(1800);
    expect(q.amountMinor).toBe(150);
    expect(q.segments.map((s) => [s.packageId, s.ratePerHourMinor, s.seconds])).toEqual([
      ['3h', 0, 3600],
      [null, 300, 1800],
    ]);
  });

  it('in array order, never past secondsRemaining', () => {
    const q = price(tariff(), lima(5, 10), lima(5, 11), [
      { id: 'a', secondsRemaining: 600 },
      { id: 'b', secondsRemaining: 600 },
    ]);
    expect(q.packageSeconds).toEqual([
      { packageId: 'a', seconds: 600 },
      { packageId: 'b', seconds: 600 },
    ]);
    expect(q.chargeableSeconds).toBe(2400);
  });

  it('minimum charge: none when packages cover everything, full minimum once money pays any second', () => {
    const t = tariff({ minimumChargeMinor: 100 });
    expect(price(t, lima(5, 10), lima(5, 11), [threeHours]).amountMinor).toBe(0);
    expect(price(t, lima(5, 10), lima(5, 11, 0, 1), [threeHours]).amountMinor).toBe(100);
  });

  it('outside its window a package is not consumed', () => {
    const morning: PackageBalance = { id: 'm', secondsRemaining: 36_000, start: '10:00', end: '12:00' };
    expect(price(tariff(), lima(5, 12), lima(5, 13), [morning]).packageSeconds).toEqual([]);
    expect(price(tariff(), lima(5, 12), lima(5, 13), [morning]).amountMinor).toBe(300);
    const q = price(tariff(), lima(5, 11, 30), lima(5, 12, 30), [morning]);
    expect(q.packageSeconds).toEqual([{ packageId: 'm', seconds: 1800 }]);
    expect(q.amountMinor).toBe(150);
    const weekendOnly: PackageBalance = { id: 'w', secondsRemaining: 36_000, days: [0, 6] };
    expect(price(tariff(), lima(5, 12), lima(5, 13), [weekendOnly]).amountMinor).toBe(300);
    expect(price(tariff(), lima(8, 12), lima(8, 13), [weekendOnly]).amountMinor).toBe(0);
  });

  it('an expired package is not consumed; one expiring mid-session covers until expiry', () => {
    expect(
      price(tariff(), lima(5, 10), lima(5, 11), [{ ...threeHours, expiresAtMs: lima(5, 10) }]).amountMinor,
    ).toBe(300);
    const q = price(tariff(), lima(5, 10), lima(5, 11), [{ ...threeHours, expiresAtMs: lima(5, 10, 15) }]);
    expect(q.packageSeconds).toEqual([{ packageId: '3h', seconds: 900 }]);
    expect(q.amountMinor).toBe(225);
  });

  it('skips an invalid package for a later valid one', () => {
    const q = price(tariff(), lima(5, 13), lima(5, 14), [
      { id: 'morning', secondsRemaining: 3600, start: '08:00', end: '12:00' },
      { id: 'any', secondsRemaining: 1200 },
    ]);
    expect(q.packageSeconds).toEqual([{ packageId: 'any', seconds: 1200 }]);
    expect(q.amountMinor).toBe(200);
  });
});

describe('timeAffordable (hand-computed)', () => {
  const from = lima(5, 10);
  const ta = (over: Partial<Parameters<typeof timeAffordable>[0]> = {}) =>
    timeAffordable({ tariff: tariff(), member: false, fromMs: from, balanceMinor: 300, ...over });

  it('3.00 at 3.00/h lasts one hour plus the half-up slack', () => {
    // N ≤ 3600·300 + 1799 → s·300 ≤ 1 081 799 → s = 3605 (3605 s cost 300.42 → 300)
    expect(ta()).toBe(3605);
    expect(ta({ balanceMinor: 100 })).toBe(1205);
    expect(ta({ balanceMinor: 0 })).toBe(5); // 5 s cost 0.42 → 0
  });

  it('crosses rule boundaries: 1 h of happy hour at 1.50 then 3.00/h', () => {
    const t = tariff({ rules: [happyHour] });
    expect(ta({ tariff: t, fromMs: lima(5, 15) })).toBe(3600 + 1805);
  });

  it('minimum charge: cannot start when the balance is below the minimum', () => {
    const t = tariff({ minimumChargeMinor: 100 });
    expect(ta({ tariff: t, balanceMinor: 50 })).toBe(0);
    expect(ta({ tariff: t, balanceMinor: 100 })).toBe(1205);
  });

  it('per started minute rounds down to whole minutes', () => {
    expect(ta({ tariff: tariff({ granularity: 'minute' }), balanceMinor: 100 })).toBe(1200);
  });

  it('packages first, then money', () => {
    expect(ta({ balanceMinor: 150, packages: [{ id: 'p', secondsRemaining: 3600 }] })).toBe(3600 + 1805);
  });

  it('already used intervals: the balance is what is left after their cost', () => {
    const used = [{ startMs: lima(5, 9), endMs: lima(5, 9, 10) }]; // 0.50
    expect(ta({ balanceMinor: 100, alreadyUsedIntervals: used })).toBe(1205);
    expect(() =>
      ta({ alreadyUsedIntervals: [{ startMs: from, endMs: from + 1000 }], fromMs: from - 1 }),
    ).toThrow(BillingInputError);
  });

  it('free time is capped at the horizon (default 7 days)', () => {
    expect(ta({ tariff: tariff({ ratePerHourMinor: 0, memberRatePerHourMinor: 0 }) })).toBe(7 * 86_400);
    expect(ta({ horizonMs: 10 * MIN })).toBe(600);
  });
});

describe('nextBoundaryMs', () => {
  it('finds the next rate change', () => {
    const t = tariff({ rules: [happyHour, night] });
    expect(nextBoundaryMs(t, lima(5, 15, 30))).toBe(lima(5, 16));
    expect(nextBoundaryMs(t, lima(5, 13))).toBe(lima(5, 14));
    expect(nextBoundaryMs(t, lima(5, 16))).toBe(lima(5, 22));
    expect(nextBoundaryMs(t, lima(5, 23))).toBe(lima(6, 6));
    expect(nextBoundaryMs(tariff(), lima(5, 13))).toBeNull();
  });

  it('with a member flag, ignores changes that do not change that rate', () => {
    const memberSame: TimeRule = {
      id: 'g',
      name: 'guests',
      days: [],
      start: '14:00',
      end: '16:00',
      ratePerHourMinor: 100,
    };
    const t = tariff({ rules: [memberSame] });
    expect(nextBoundaryMs(t, lima(5, 13), false)).toBe(lima(5, 14));
    expect(nextBoundaryMs(t, lima(5, 13), true)).toBeNull();
  });
});

describe('input validation', () => {
  const bad: [string, () => unknown][] = [
    ['fractional rate', () => price(tariff({ ratePerHourMinor: 2.5 }), 0, 1000)],
    ['negative rate', () => price(tariff({ ratePerHourMinor: -1 }), 0, 1000)],
    ['NaN minimum', () => price(tariff({ minimumChargeMinor: Number.NaN }), 0, 1000)],
    ['unsafe rate', () => price(tariff({ ratePerHourMinor: 2 ** 53 }), 0, 1000)],
    ['unknown zone', () => price(tariff({ timezone: 'Mars/Olympus' }), 0, 1000)],
    ['bad HH:MM', () => price(tariff({ rules: [{ ...happyHour, start: '24:00' }] }), 0, 1000)],
    ['bad weekday', () => price(tariff({ rules: [{ ...happyHour, days: [7] }] }), 0, 1000)],
    ['bad discount', () => price(tariff({ rules: [{ ...happyHour, discountPercent: 120 }] }), 0, 1000)],
    ['end before start', () => price(tariff(), 2000, 1000)],
    ['fractional instant', () => price(tariff(), 0.5, 1000)],
    [
      'overlapping intervals',
      () =>
        priceSession({
          tariff: tariff(),
          member: false,
          intervals: [
            { startMs: 0, endMs: 5000 },
            { startMs: 4000, endMs: 9000 },
          ],
        }),
    ],
    ['negative package seconds', () => price(tariff(), 0, 1000, [{ id: 'p', secondsRemaining: -1 }])],
    [
      'duplicate package ids',
      () =>
        price(tariff(), 0, 1000, [
          { id: 'p', secondsRemaining: 1 },
          { id: 'p', secondsRemaining: 1 },
        ]),
    ],
    [
      'negative balance',
      () => timeAffordable({ tariff: tariff(), member: false, fromMs: 0, balanceMinor: -1 }),
    ],
    ['span > 366 days', () => price(tariff(), 0, 400 * 86_400_000)],
  ];
  it.each(bad)('rejects %s with BillingInputError', (_name, fn) => {
    expect(fn).toThrow(BillingInputError);
  });

  it('gives a clear message', () => {
    expect(() => price(tariff({ ratePerHourMinor: 2.5 }), 0, 1000)).toThrow(
      'tariff.ratePerHourMinor must be a non-negative safe integer, got 2.5',
    );
  });

  it('touching intervals are fine', () => {
    const q = priceSession({
      tariff: tariff(),
      member: false,
      intervals: [
        { startMs: lima(5, 10), endMs: lima(5, 11) },
        { startMs: lima(5, 11), endMs: lima(5, 12) },
      ],
    });
    expect(q.amountMinor).toBe(600);
    expect(q.segments).toHaveLength(1);
  });
});
