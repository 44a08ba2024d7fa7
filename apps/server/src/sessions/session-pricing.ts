import { type PackageBalance, type Quote, type Tariff, priceSession } from '@econtrol/billing';
import type { customerPackages, sessionIntervals, sessions, tariffs, timePackages } from '../db/schema.js';

/** What a session keeps from its zone's tariff at start (S9: it is priced with this to the end). */
export interface TariffSnapshot {
  tariffId: string;
  timezone: string;
  ratePerHourMinor: number;
  memberRatePerHourMinor: number | null;
  granularity: 'second' | 'minute';
  minimumChargeMinor: number;
  rules: Tariff['rules'];
}

export function snapshotOf(row: typeof tariffs.$inferSelect, timezone: string): TariffSnapshot {
  return {
    tariffId: row.id,
    timezone,
    ratePerHourMinor: row.ratePerHourMinor,
    memberRatePerHourMinor: row.memberRatePerHourMinor,
    granularity: row.granularity,
    minimumChargeMinor: row.minimumChargeMinor,
    rules: row.rules as Tariff['rules'],
  };
}

export function engineTariff(snapshot: TariffSnapshot): Tariff {
  return {
    timezone: snapshot.timezone,
    ratePerHourMinor: snapshot.ratePerHourMinor,
    ...(snapshot.memberRatePerHourMinor !== null ? { memberRatePerHourMinor: snapshot.memberRatePerHourMinor } : {}),
    rules: snapshot.rules,
    granularity: snapshot.granularity,
    minimumChargeMinor: snapshot.minimumChargeMinor,
  };
}

type PackageHolding = { holding: typeof customerPackages.$inferSelect; pkg: typeof timePackages.$inferSelect };

/** Packages the customer holds that are valid in this zone, in engine form. */
export function enginePackages(holdings: PackageHolding[], zoneId: string): PackageBalance[] {
  return holdings
    .filter(({ pkg }) => {
      const zones = pkg.zoneIds as string[];
      return zones.length === 0 || zones.includes(zoneId);
    })
    .map(({ holding, pkg }) => ({
      id: holding.id,
      secondsRemaining: holding.secondsRemaining,
      ...((pkg.validDays as number[]).length ? { days: pkg.validDays as number[] } : {}),
      ...(pkg.validStart && pkg.validEnd ? { start: pkg.validStart, end: pkg.validEnd } : {}),
      ...(holding.expiresAt ? { expiresAtMs: holding.expiresAt.getTime() } : {}),
    }));
}

export type SessionRow = typeof sessions.$inferSelect;
export type IntervalRow = typeof sessionIntervals.$inferSelect;

/** Prices a session's active intervals up to `nowMs` (open intervals end at now). */
export function priceOf(session: SessionRow, intervals: IntervalRow[], nowMs: number, packages: PackageBalance[] = []): Quote {
  const snapshot = session.tariffSnapshot as TariffSnapshot;
  const spans = intervals
    .map((i) => ({ startMs: i.startedAt.getTime(), endMs: Math.max(i.startedAt.getTime(), i.endedAt?.getTime() ?? nowMs) }))
    .filter((i) => i.endMs > i.startMs);
  if (session.kind === 'FREE_GRANT') {
    return priceSession({ tariff: { ...engineTariff(snapshot), ratePerHourMinor: 0, memberRatePerHourMinor: 0, rules: [], minimumChargeMinor: 0 }, member: true, intervals: spans });
  }
  return priceSession({ tariff: engineTariff(snapshot), member: session.kind === 'MEMBER', intervals: spans, packages });
}
