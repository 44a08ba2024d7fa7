import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BillingInputError,
  buildZoneTable,
  installZoneTable,
  priceSession,
  removeZoneTable,
  timeAffordable,
  zonedParts,
  zonedTimeToMs,
  type Tariff,
  type ZoneTable,
} from './index.js';

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
// DST with odd offsets (Lord Howe: 30 min; Chatham: +12:45/+13:45), the southern hemisphere, a
// zone that abolished DST in October 2024 (Asunción), and zones without DST.
const zones = [
  'America/Lima',
  'America/New_York',
  'America/Santiago',
  'America/Asuncion',
  'Europe/Madrid',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'UTC',
] as const;

/** What Intl says, with no table installed for the zone. */
function intlParts(ms: number, zone: string) {
  removeZoneTable(zone);
  return zonedParts(ms, zone);
}

afterEach(() => {
  for (const z of zones) removeZoneTable(z);
});

describe('zone tables (the agent converts local time without Intl)', () => {
  it('New York 2024: the two DST transitions, to the second, and nothing else', () => {
    const t = buildZoneTable('America/New_York', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
    expect(t.offsets).toEqual([
      [Date.UTC(2024, 0, 1), -5 * 3600],
      [Date.UTC(2024, 2, 10, 7), -4 * 3600],
      [Date.UTC(2024, 10, 3, 6), -5 * 3600],
    ]);
  });

  it('Asunción moved to UTC−3 all year in October 2024: no transition back afterwards', () => {
    const t = buildZoneTable('America/Asuncion', Date.UTC(2024, 9, 20), Date.UTC(2025, 11, 31));
    expect(t.offsets.every(([, off]) => off === -3 * 3600)).toBe(true);
  });

  it('with a table, zonedParts equals Intl for any instant in range, in every zone', () => {
    const tables = new Map<string, ZoneTable>(zones.map((z) => [z, buildZoneTable(z, FROM, TO)]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: FROM, max: TO - 1 }), (zone, ms) => {
        const expected = intlParts(ms, zone);
        installZoneTable(tables.get(zone) as ZoneTable);
        expect(zonedParts(ms, zone)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('local wall times around transitions map to the same instants (gaps and overlaps included)', () => {
    const t = buildZoneTable('Australia/Lord_Howe', FROM, TO);
    const walls = t.offsets.slice(1).flatMap(([ms]) => [-90, -31, -30, -1, 0, 1, 29, 30, 31, 90].map((m) => ms + m * 60_000));
    const local = walls.map((ms) => ({ ...intlParts(ms, 'Australia/Lord_Howe') }));
    const viaIntl = local.map((p) => zonedTimeToMs('Australia/Lord_Howe', p));
    installZoneTable(t);
    expect(local.map((p) => zonedTimeToMs('Australia/Lord_Howe', p))).toEqual(viaIntl);
  });

  it('prices and time affordable are the same with and without the table, across DST', () => {
    const tariff: Tariff = {
      timezone: 'America/Santiago',
      ratePerHourMinor: 400,
      rules: [
        { id: 'night', name: 'noche', days: [], start: '22:00', end: '02:30', discountPercent: 50 },
        { id: 'wk', name: 'finde', days: [0, 6], start: '00:00', end: '00:00', ratePerHourMinor: 300 },
      ],
      granularity: 'second',
      minimumChargeMinor: 0,
    };
    const near = [Date.UTC(2024, 3, 7, 3), Date.UTC(2024, 8, 8, 4), Date.UTC(2025, 3, 6, 3), Date.UTC(2025, 8, 7, 4)];
    const table = buildZoneTable('America/Santiago', FROM, TO);
    fc.assert(
      fc.property(
        fc.constantFrom(...near),
        fc.integer({ min: -30 * HOUR, max: 30 * HOUR }),
        fc.integer({ min: 1, max: 40 * HOUR }),
        fc.integer({ min: 0, max: 20_000 }),
        (t0, shift, length, balance) => {
          const interval = { startMs: t0 + shift, endMs: t0 + shift + length };
          const run = () => ({
            price: priceSession({ tariff, member: false, intervals: [interval] }),
            affordable: timeAffordable({ tariff, member: false, fromMs: interval.startMs, balanceMinor: balance }),
          });
          removeZoneTable('America/Santiago');
          const viaIntl = run();
          installZoneTable(table);
          expect(run()).toEqual(viaIntl);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('outside its range a table is not used (Intl answers), and it stays small', () => {
    const t = buildZoneTable('Europe/Madrid', Date.UTC(2025, 0, 1), Date.UTC(2027, 0, 1));
    expect(t.offsets).toHaveLength(5); // the start, then spring and fall of 2025 and 2026
    installZoneTable({ ...t, offsets: [[t.fromMs, 0]] }); // a deliberately wrong table…
    expect(zonedParts(Date.UTC(2024, 6, 1, 12), 'Europe/Madrid').hour).toBe(14); // …not used outside its range
    expect(zonedParts(Date.UTC(2025, 6, 1, 12), 'Europe/Madrid').hour).toBe(12); // …used inside it
  });

  it('a malformed table is refused and changes nothing', () => {
    const good = buildZoneTable('America/Lima', FROM, TO);
    const bad: ZoneTable[] = [
      { ...good, offsets: [] },
      { ...good, offsets: [[good.fromMs + 1, -18_000]] },
      { ...good, offsets: [[good.fromMs, -18_000], [good.fromMs, -14_400]] },
      { ...good, offsets: [[good.fromMs, 99 * 3600]] },
      { ...good, toMs: good.fromMs },
      { ...good, timeZone: '' },
    ];
    for (const table of bad) expect(() => installZoneTable(table)).toThrow(BillingInputError);
    expect(zonedParts(Date.UTC(2025, 0, 1, 12), 'America/Lima').hour).toBe(7);
  });
});
