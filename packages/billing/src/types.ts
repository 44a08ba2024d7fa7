/** Billing granularity: every second, or every started minute (rounded up on the session total). */
export type Granularity = 'second' | 'minute';

/** A time-of-day / day-of-week rule: happy hour, night rate, weekend rate… */
export interface TimeRule {
  id: string;
  name: string;
  /** Local weekdays (0 = Sunday … 6 = Saturday) on which the window STARTS; empty = every day. */
  days: number[];
  /** 'HH:MM' local. `end <= start` wraps past midnight (22:00–06:00); `start == end` is a 24 h window. */
  start: string;
  end: string;
  /** Replaces the guest (base) rate in the window. */
  ratePerHourMinor?: number;
  /** Replaces the member rate in the window. */
  memberRatePerHourMinor?: number;
  /** Integer 0..100, applied to the base rates that the rule does not replace explicitly. */
  discountPercent?: number;
}

export interface Tariff {
  /** IANA zone, e.g. 'America/Lima'; rules and package windows are evaluated in it (DST-correct). */
  timezone: string;
  /** Guest rate, minor units per hour. */
  ratePerHourMinor: number;
  /** Member rate, minor units per hour (defaults to `ratePerHourMinor`). */
  memberRatePerHourMinor?: number;
  /** First matching rule in array order wins. */
  rules: TimeRule[];
  granularity: Granularity;
  /** Applied to the session total when it has at least one second paid with money. */
  minimumChargeMinor: number;
}

/** Prepaid time package the customer holds ("3 h por S/ 10.00"). */
export interface PackageBalance {
  id: string;
  secondsRemaining: number;
  /** Optional validity window, same semantics as {@link TimeRule} (missing start/end = whole day). */
  days?: number[];
  start?: string;
  end?: string;
  /** A second is covered only if it starts strictly before this instant. */
  expiresAtMs?: number;
}

/** Half-open [startMs, endMs), epoch milliseconds. */
export interface Interval {
  startMs: number;
  endMs: number;
}

export interface PriceInput {
  tariff: Tariff;
  member: boolean;
  /** Active (non-paused) intervals of one session; any order, must not overlap. */
  intervals: Interval[];
  packages?: PackageBalance[];
}

export interface Segment {
  /** Start of the first second of the segment. */
  startMs: number;
  /** End of the last second of the segment (startMs + seconds * 1000). */
  endMs: number;
  seconds: number;
  /** Rate paid with money for these seconds; 0 when a package covers them. */
  ratePerHourMinor: number;
  /** Rule in force (null = base rate). */
  ruleId: string | null;
  /** Package that covered these seconds (null = paid with money). */
  packageId: string | null;
}

export interface Quote {
  /** Active seconds after granularity rounding. */
  billedSeconds: number;
  /** Seconds taken from each package (package array order; only packages actually used). */
  packageSeconds: { packageId: string; seconds: number }[];
  /** Billed seconds paid with money. */
  chargeableSeconds: number;
  /** Money owed, in minor units, after the one rounding and the minimum charge. */
  amountMinor: number;
  /** Σ(money seconds × rate per hour) / 3600 before rounding; numerator is an exact safe integer. */
  exactAmount: { numerator: number; denominator: 3600 };
  segments: Segment[];
}

export interface TimeAffordableInput {
  tariff: Tariff;
  member: boolean;
  /** First instant of the time to buy (must be ≥ the end of every already used interval). */
  fromMs: number;
  /**
   * What the customer can still spend, in minor units, on top of what the already used intervals
   * cost (i.e. the live balance: account balance minus the running session's cost so far).
   */
  balanceMinor: number;
  packages?: PackageBalance[];
  /** Intervals of the same session already used (priced together with the new time). */
  alreadyUsedIntervals?: Interval[];
  /** Cap on the answer, in ms (default 7 days). */
  horizonMs?: number;
}

export interface LoyaltyRule {
  /** Points earned per `unitMinor` spent. */
  pointsPerUnit: number;
  /** Size of a spending unit in minor units (e.g. 100 = 1.00). */
  unitMinor: number;
  /** Tier multiplier in percent (100 = ×1, 150 = ×1.5); default 100. */
  tierMultiplierPercent?: number;
}
