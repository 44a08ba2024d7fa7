import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  priceSession,
  timeAffordable,
  zonedParts,
  zonedTimeToMs,
  type Interval,
  type PackageBalance,
  type Quote,
  type Tariff,
  type TimeRule,
} from './index.js';

const RUNS = { numRuns: 60 };
const HOUR = 3_600_000;
const DAY = 86_400_000;

const zones = ['America/Lima', 'America/New_York', 'America/Santiago', 'Europe/Madrid'] as const;
// DST transitions of 2024 in the zones above, to land near them often.
const transitions = [
  Date.UTC(2024, 2, 10, 7), // New York spring
  Date.UTC(2024, 10, 3, 6), // New York fall
  Date.UTC(2024, 2, 31, 1), // Madrid spring
  Date.UTC(2024, 9, 27, 1), // Madrid fall
  Date.UTC(2024, 3, 7, 3), // Santiago fall
  Date.UTC(2024, 8, 8, 4), // Santiago spring
];

const hhmm = fc
  .oneof(
    fc.integer({ min: 0, max: 47 }).map((h) => h * 30),
    fc.integer({ min: 0, max: 1439 }),
  )
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const days = fc.subarray([0, 1, 2, 3, 4, 5, 6]);
const rate = fc.integer({ min: 0, max: 2000 });

const ruleArb = (i: number): fc.Arbitrary<TimeRule> =>
  fc.record(
    {
      id: fc.constant(`r${i}`),
      name: fc.constant(`rule ${i}`),
      days,
      start: hhmm,
      end: hhmm,
      ratePerHourMinor: rate,
      memberRatePerHourMinor: rate,
      discountPercent: fc.integer({ min: 0, max: 100 }),
    },
    { requiredKeys: ['id', 'name', 'days', 'start', 'end'] },
  );

const tariffArb = (zone: fc.Arbitrary<string> = fc.constantFrom(...zones)): fc.Arbitrary<Tariff> =>
  fc.record(
    {
      timezone: zone,
      ratePerHourMinor: rate,
      memberRatePerHourMinor: rate,
      rules: fc
        .tuple(ruleArb(0), ruleArb(1), ruleArb(2))
        .chain((rs) => fc.integer({ min: 0, max: 3 }).map((n) => rs.slice(0, n))),
      granularity: fc.constantFrom('second' as const, 'minute' as const),
      minimumChargeMinor: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 })),
    },
    { requiredKeys: ['timezone', 'ratePerHourMinor', 'rules', 'granularity', 'minimumChargeMinor'] },
  );

const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 11, 31) }),
  fc
    .tuple(fc.constantFrom(...transitions), fc.integer({ min: -2 * DAY, max: 2 * DAY }))
    .map(([t, d]) => t + d),
);

const packagesArb = (around: number): fc.Arbitrary<PackageBalance[]> =>
  fc
    .array(
      fc.record(
        {
          secondsRemaining: fc.integer({ min: 0, max: 3 * 3600 }),
          window: fc.option(fc.tuple(days, hhmm, hhmm), { nil: undefined }),
          expiresInMs: fc.option(fc.integer({ min: -HOUR, max: 6 * HOUR }), { nil: undefined }),
        },
        { requiredKeys: ['secondsRemaining'] },
      ),
      { maxLength: 3 },
    )
    .map((ps) =>
      ps.map((p, i): PackageBalance => ({
        id: `p${i}`,
        secondsRemaining: p.secondsRemaining,
        ...(p.window ? { days: p.window[0], start: p.window[1], end: p.window[2] } : {}),
        ...(p.expiresInMs !== undefined ? { expiresAtMs: Math.max(0, around + p.expiresInMs) } : {}),
      })),
    );

function checkInvariants(q: Quote, packages: PackageBalance[] = []): void {
  for (const v of [q.amountMinor, q.billedSeconds, q.chargeableSeconds, q.exactAmount.numerator]) {
    expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
  }
  const segSeconds = q.segments.reduce((s, x) => s + x.seconds, 0);
  const pkgSeconds = q.packageSeconds.reduce((s, x) => s + x.seconds, 0);
  expect(segSeconds).toBe(q.billedSeconds);
  expect(q.chargeableSeconds + pkgSeconds).toBe(q.billedSeconds);
  expect(q.segments.reduce((s, x) => s + x.seconds * x.ratePerHourMinor, 0)).toBe(q.exactAmount.numerator);
  expect(q.amountMinor).toBeGreaterThanOrEqual(Math.floor((q.exactAmount.numerator + 1800) / 3600));
  for (const used of q.packageSeconds) {
    const p = packages.find((x) => x.id === used.packageId);
    expect(used.seconds).toBeLessThanOrEqual(p?.secondsRemaining ?? -1);
  }
}

describe('properties', () => {
  it('charging a span equals charging its split parts (exact numerator equal; amounts within #parts)', () => {
    fc.assert(
      fc.property(
        tariffArb(),
        instant,
        fc.integer({ min: 0, max: 12 * 3600 }),
        fc.integer({ min: 0, max: 999 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.boolean(),
        (t, start, n, frac, cutsF, member) => {
          const tariff: Tariff = { ...t, granularity: 'second', minimumChargeMinor: 0 };
          const whole = priceSession({
            tariff,
            member,
            intervals: [{ startMs: start, endMs: start + n * 1000 + frac }],
          });
          const cuts = [...new Set(cutsF.map((c) => Math.floor(c * n)))].sort((a, b) => a - b);
          const bounds = [0, ...cuts.filter((c) => c > 0 && c < n), n];
          let num = 0;
          let amount = 0;
          for (let i = 0; i + 1 < bounds.length; i++) {
            const endMs = start + (bounds[i + 1] as number) * 1000 + (i + 2 === bounds.length ? frac : 0);
            const q = priceSession({
              tariff,
              member,
              intervals: [{ startMs: start + (bounds[i] as number) * 1000, endMs }],
            });
            num += q.exactAmount.numerator;
            amount += q.amountMinor;
          }
          expect(num).toBe(whole.exactAmount.numerator);
          expect(Math.abs(whole.amountMinor - amount)).toBeLessThanOrEqual(bounds.length - 1);
        },
      ),
      RUNS,
    );
  });

  it('splitting also holds with packages when remaining balances are carried over', () => {
    fc.assert(
      fc.property(
        tariffArb(),
        instant,
        fc.integer({ min: 1, max: 8 * 3600 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (t, start, n, cutF, member) => {
          const tariff: Tariff = { ...t, granularity: 'second', minimumChargeMinor: 0 };
          return fc.assert(
            fc.property(packagesArb(start), (packages) => {
              const cut = Math.floor(cutF * n);
              const whole = priceSession({
                tariff,
                member,
                packages,
                intervals: [{ startMs: start, endMs: start + n * 1000 }],
              });
              const a = priceSession({
                tariff,
                member,
                packages,
                intervals: [{ startMs: start, endMs: start + cut * 1000 }],
              });
              const left = packages.map((p) => ({
                ...p,
                secondsRemaining:
                  p.secondsRemaining - (a.packageSeconds.find((u) => u.packageId === p.id)?.seconds ?? 0),
              }));
              const b = priceSession({
                tariff,
                member,
                packages: left,
                intervals: [{ startMs: start + cut * 1000, endMs: start + n * 1000 }],
              });
              expect(a.exactAmount.numerator + b.exactAmount.numerator).toBe(whole.exactAmount.numerator);
              expect(a.chargeableSeconds + b.chargeableSeconds).toBe(whole.chargeableSeconds);
            }),
            { numRuns: 3 },
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('cost never decreases with time (monotonic in the last interval end), invariants hold', () => {
    fc.assert(
      fc.property(
        tariffArb(),
        instant,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 * HOUR }), fc.integer({ min: 0, max: 2 * HOUR })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 3 * HOUR }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (tariff, start, gaps, extra, member, pkgSeed) => {
          const intervals: Interval[] = [];
          let t = start;
          for (const [gap, len] of gaps) {
            intervals.push({ startMs: t + gap, endMs: t + gap + len });
            t += gap + len;
          }
          const packages: PackageBalance[] =
            pkgSeed % 2 === 0
              ? []
              : [{ id: 'p', secondsRemaining: pkgSeed * 7, start: '10:00', end: '20:00' }];
          const a = priceSession({ tariff, member, intervals, packages });
          const longer = intervals.map((iv, i) =>
            i === intervals.length - 1 ? { ...iv, endMs: iv.endMs + extra } : iv,
          );
          const b = priceSession({ tariff, member, intervals: longer, packages });
          checkInvariants(a, packages);
          checkInvariants(b, packages);
          expect(b.amountMinor).toBeGreaterThanOrEqual(a.amountMinor);
          expect(b.billedSeconds).toBeGreaterThanOrEqual(a.billedSeconds);
          // determinism
          expect(priceSession({ tariff, member, intervals, packages })).toEqual(a);
        },
      ),
      RUNS,
    );
  });

  it('timeAffordable is consistent with priceSession: s affordable, s+1 not (or s == horizon)', () => {
    fc.assert(
      fc.property(
        tariffArb(),
        instant,
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: HOUR }), fc.integer({ min: 0, max: HOUR })), {
          maxLength: 2,
        }),
        fc.integer({ min: 0, max: 3 * DAY }),
        (tariff, from, balanceMinor, member, usedSpec, horizonMs) =>
          fc.assert(
            fc.property(packagesArb(from), (packages) => {
              // already used intervals end before `from`
              const used: Interval[] = [];
              let t = from;
              for (const [gap, len] of usedSpec) {
                used.unshift({ startMs: t - gap - len, endMs: t - gap });
                t -= gap + len;
              }
              const s = timeAffordable({
                tariff,
                member,
                fromMs: from,
                balanceMinor,
                packages,
                alreadyUsedIntervals: used,
                horizonMs,
              });
              const horizonS = Math.floor(horizonMs / 1000);
              expect(Number.isSafeInteger(s) && s >= 0 && s <= horizonS).toBe(true);
              const budget =
                balanceMinor + priceSession({ tariff, member, intervals: used, packages }).amountMinor;
              const cost = (secs: number): number =>
                priceSession({
                  tariff,
                  member,
                  packages,
                  intervals: [...used, { startMs: from, endMs: from + secs * 1000 }],
                }).amountMinor;
              expect(cost(s)).toBeLessThanOrEqual(budget);
              if (s < horizonS) expect(cost(s + 1)).toBeGreaterThan(budget);
              // deterministic
              expect(
                timeAffordable({
                  tariff,
                  member,
                  fromMs: from,
                  balanceMinor,
                  packages,
                  alreadyUsedIntervals: used,
                  horizonMs,
                }),
              ).toBe(s);
            }),
            { numRuns: 2 },
          ),
      ),
      { numRuns: 50 },
    );
  });

  it('matches a naive second-by-second reference (Lima, fixed UTC−5)', () => {
    fc.assert(
      fc.property(
        tariffArb(fc.constant('America/Lima')),
        instant,
        fc.integer({ min: 0, max: 3 * 3600 }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (tariff, start, n, frac, member) =>
          fc.assert(
            fc.property(packagesArb(start), (packages) => {
              const q = priceSession({
                tariff,
                member,
                packages,
                intervals: [{ startMs: start, endMs: start + n * 1000 + frac }],
              });
              const ref = naive(tariff, member, packages, start, n);
              expect(q.exactAmount.numerator).toBe(ref.numerator);
              expect(q.chargeableSeconds).toBe(ref.chargeable);
              expect(q.amountMinor).toBe(ref.amount);
              checkInvariants(q, packages);
            }),
            { numRuns: 2 },
          ),
      ),
      // the reference loops over seconds: bound the time spent shrinking a counterexample
      { numRuns: 30, interruptAfterTimeLimit: 15_000, markInterruptAsFailure: true },
    );
  });

  it('zone helpers round-trip: local time of an instant maps back to it (first occurrence when ambiguous)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, (zone, t) => {
        const p = zonedParts(t, zone);
        const back = zonedTimeToMs(zone, p);
        const whole = Math.floor(t / 1000) * 1000;
        expect(back === whole || (back < whole && whole - back <= 2 * HOUR)).toBe(true);
        expect(zonedParts(back, zone)).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });
});

/** Independent per-second reference for a UTC−5 zone without DST (no Intl). */
function naive(tariff: Tariff, member: boolean, packages: PackageBalance[], start: number, n: number) {
  const billed = tariff.granularity === 'minute' ? Math.ceil(n / 60) * 60 : n;
  const local = (t: number) => {
    const d = new Date(t - 5 * HOUR);
    return { minutes: d.getUTCHours() * 60 + d.getUTCMinutes(), weekday: d.getUTCDay() };
  };
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const inWindow = (t: number, wdays: number[], s: string, e: string) => {
    const { minutes, weekday } = local(t);
    const a = toMin(s);
    const b = toMin(e);
    const dayOk = (w: number) => wdays.length === 0 || wdays.includes(w);
    if (b > a) return dayOk(weekday) && minutes >= a && minutes < b;
    return (dayOk(weekday) && minutes >= a) || (dayOk((weekday + 6) % 7) && minutes < b);
  };
  const remaining = packages.map((p) => p.secondsRemaining);
  let numerator = 0;
  let chargeable = 0;
  for (let k = 0; k < billed; k++) {
    const t = start + k * 1000;
    const pi = packages.findIndex(
      (p, i) =>
        (remaining[i] as number) > 0 &&
        (p.expiresAtMs === undefined || t < p.expiresAtMs) &&
        (p.start === undefined && (p.days ?? []).length === 0
          ? true
          : inWindow(t, p.days ?? [], p.start ?? '00:00', p.end ?? '00:00')),
    );
    if (pi >= 0) {
      remaining[pi] = (remaining[pi] as number) - 1;
      continue;
    }
    const rule = tariff.rules.find((r) => inWindow(t, r.days, r.start, r.end));
    const baseGuest = tariff.ratePerHourMinor;
    const baseMember = tariff.memberRatePerHourMinor ?? baseGuest;
    const disc = (x: number, p?: number) => (p === undefined ? x : Math.floor((x * (100 - p) + 50) / 100));
    let r = member ? baseMember : baseGuest;
    if (rule) {
      const g = rule.ratePerHourMinor ?? disc(baseGuest, rule.discountPercent);
      const m =
        rule.memberRatePerHourMinor ??
        (tariff.memberRatePerHourMinor === undefined ? g : disc(baseMember, rule.discountPercent));
      r = member ? m : g;
    }
    numerator += r;
    chargeable++;
  }
  const rounded = Math.floor((numerator + 1800) / 3600);
  return {
    numerator,
    chargeable,
    amount: chargeable > 0 ? Math.max(rounded, tariff.minimumChargeMinor) : rounded,
  };
}
