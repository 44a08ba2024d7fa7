import { BillingInputError } from './errors.js';
import { assertTimeZone, civilFromEpochDay, localEpochDay, zonedTimeToMs } from './time-zone.js';
import type { PackageBalance, Tariff } from './types.js';
import {
  assertNonNegativeInt,
  assertOptionalNonNegativeInt,
  describe,
  parseDays,
  parseHhMm,
} from './validate.js';

/** A weekly local-time window: starts on `days` at `startMin`, ends at `endMin` (next day if ≤ start). */
export interface CompiledWindow {
  days: ReadonlySet<number> | null;
  startMin: number;
  endMin: number;
}

export interface CompiledRule {
  id: string;
  window: CompiledWindow;
  guestRate: number;
  memberRate: number;
}

export interface CompiledTariff {
  timeZone: string;
  guestRate: number;
  memberRate: number;
  rules: CompiledRule[];
  minute: boolean;
  minimum: number;
}

export interface CompiledPackage {
  id: string;
  window: CompiledWindow | null;
  expiresAtMs: number | null;
  secondsRemaining: number;
}

/** Piece of time in which the rule in force and the set of usable packages do not change. */
export interface Piece {
  startMs: number;
  endMs: number;
  /** Index into `CompiledTariff.rules`, -1 = base rate. */
  rule: number;
  /** Indices of packages valid in the piece, in package array order. */
  packages: number[];
}

/** Longest span (first instant to last) the engine accepts for one call. */
export const MAX_SPAN_MS = 366 * 86_400_000;
const DAY_MS = 86_400_000;

function compileWindow(days: unknown, start: unknown, end: unknown, what: string): CompiledWindow {
  const list = days === undefined ? [] : parseDays(days, `${what}.days`);
  return {
    days: list.length === 0 ? null : new Set(list),
    startMin: parseHhMm(start, `${what}.start`),
    endMin: parseHhMm(end, `${what}.end`),
  };
}

function discounted(rate: number, percent: number | undefined): number {
  if (percent === undefined) return rate;
  // Rates stay integers: a discounted hourly rate is rounded half-up to a whole minor unit per hour.
  return Math.floor((rate * (100 - percent) + 50) / 100);
}

export function compileTariff(tariff: Tariff): CompiledTariff {
  if (typeof tariff !== 'object' || tariff === null) throw new BillingInputError('tariff is required');
  assertTimeZone(tariff.timezone);
  assertNonNegativeInt(tariff.ratePerHourMinor, 'tariff.ratePerHourMinor');
  assertOptionalNonNegativeInt(tariff.memberRatePerHourMinor, 'tariff.memberRatePerHourMinor');
  assertNonNegativeInt(tariff.minimumChargeMinor, 'tariff.minimumChargeMinor');
  if (tariff.granularity !== 'second' && tariff.granularity !== 'minute') {
    throw new BillingInputError(
      `tariff.granularity must be 'second' or 'minute', got ${describe(tariff.granularity)}`,
    );
  }
  if (!Array.isArray(tariff.rules)) throw new BillingInputError('tariff.rules must be an array');
  const guest = tariff.ratePerHourMinor;
  const member = tariff.memberRatePerHourMinor ?? guest;
  const rules = tariff.rules.map((rule, i): CompiledRule => {
    const what = `tariff.rules[${i}]`;
    if (typeof rule !== 'object' || rule === null) throw new BillingInputError(`${what} must be an object`);
    if (typeof rule.id !== 'string' || rule.id === '')
      throw new BillingInputError(`${what}.id must be a non-empty string`);
    assertOptionalNonNegativeInt(rule.ratePerHourMinor, `${what}.ratePerHourMinor`);
    assertOptionalNonNegativeInt(rule.memberRatePerHourMinor, `${what}.memberRatePerHourMinor`);
    const pct = rule.discountPercent;
    if (pct !== undefined && (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100)) {
      throw new BillingInputError(`${what}.discountPercent must be an integer 0..100, got ${describe(pct)}`);
    }
    const guestRate = rule.ratePerHourMinor ?? discounted(guest, pct);
    const memberRate =
      rule.memberRatePerHourMinor ??
      (tariff.memberRatePerHourMinor === undefined ? guestRate : discounted(member, pct));
    return {
      id: rule.id,
      window: compileWindow(rule.days, rule.start, rule.end, what),
      guestRate,
      memberRate,
    };
  });
  return {
    timeZone: tariff.timezone,
    guestRate: guest,
    memberRate: member,
    rules,
    minute: tariff.granularity === 'minute',
    minimum: tariff.minimumChargeMinor,
  };
}

export function compilePackages(packages: PackageBalance[] | undefined): CompiledPackage[] {
  if (packages === undefined) return [];
  if (!Array.isArray(packages)) throw new BillingInputError('packages must be an array');
  const ids = new Set<string>();
  return packages.map((p, i): CompiledPackage => {
    const what = `packages[${i}]`;
    if (typeof p !== 'object' || p === null) throw new BillingInputError(`${what} must be an object`);
    if (typeof p.id !== 'string' || p.id === '')
      throw new BillingInputError(`${what}.id must be a non-empty string`);
    if (ids.has(p.id)) throw new BillingInputError(`${what}.id ${JSON.stringify(p.id)} is duplicated`);
    ids.add(p.id);
    assertNonNegativeInt(p.secondsRemaining, `${what}.secondsRemaining`);
    assertOptionalNonNegativeInt(p.expiresAtMs, `${what}.expiresAtMs`);
    if ((p.start === undefined) !== (p.end === undefined)) {
      throw new BillingInputError(`${what}: give both start and end, or neither`);
    }
    const hasWindow = p.start !== undefined || (p.days !== undefined && p.days.length > 0);
    return {
      id: p.id,
      window: hasWindow ? compileWindow(p.days, p.start ?? '00:00', p.end ?? '00:00', what) : null,
      expiresAtMs: p.expiresAtMs ?? null,
      secondsRemaining: p.secondsRemaining,
    };
  });
}

/** The concrete [start, end) instants of a weekly window that overlap [fromMs, toMs). */
export function windowInstants(
  timeZone: string,
  w: CompiledWindow,
  fromMs: number,
  toMs: number,
): [number, number][] {
  const out: [number, number][] = [];
  const first = localEpochDay(fromMs, timeZone) - 1; // a window that started yesterday may still run
  const last = localEpochDay(toMs, timeZone);
  const wraps = w.endMin <= w.startMin;
  for (let day = first; day <= last; day++) {
    const c = civilFromEpochDay(day);
    if (w.days !== null && !w.days.has(c.weekday)) continue;
    const a = zonedTimeToMs(timeZone, {
      year: c.year,
      month: c.month,
      day: c.day,
      hour: Math.floor(w.startMin / 60),
      minute: w.startMin % 60,
    });
    const e = wraps ? civilFromEpochDay(day + 1) : c;
    const b = zonedTimeToMs(timeZone, {
      year: e.year,
      month: e.month,
      day: e.day,
      hour: Math.floor(w.endMin / 60),
      minute: w.endMin % 60,
    });
    if (a < b && b > fromMs && a < toMs) out.push([a, b]);
  }
  return out;
}

function inAny(wins: [number, number][], t: number): boolean {
  for (const [a, b] of wins) if (a <= t && t < b) return true;
  return false;
}

/** Splits [fromMs, toMs) into pieces of constant rule and constant set of valid packages. */
export function buildPieces(
  ct: CompiledTariff,
  pkgs: CompiledPackage[],
  fromMs: number,
  toMs: number,
): Piece[] {
  if (toMs <= fromMs) return [];
  if (toMs - fromMs > MAX_SPAN_MS + 2 * DAY_MS) throw new BillingInputError('time span longer than 366 days');
  const cuts = new Set<number>([fromMs, toMs]);
  const add = (t: number): void => {
    if (t > fromMs && t < toMs) cuts.add(t);
  };
  const ruleWins = ct.rules.map((r) => {
    const wins = windowInstants(ct.timeZone, r.window, fromMs, toMs);
    for (const [a, b] of wins) {
      add(a);
      add(b);
    }
    return wins;
  });
  const pkgWins = pkgs.map((p) => {
    if (p.expiresAtMs !== null) add(p.expiresAtMs);
    if (p.window === null) return null;
    const wins = windowInstants(ct.timeZone, p.window, fromMs, toMs);
    for (const [a, b] of wins) {
      add(a);
      add(b);
    }
    return wins;
  });
  const sorted = [...cuts].sort((x, y) => x - y);
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i] as number;
    const b = sorted[i + 1] as number;
    const rule = ruleWins.findIndex((wins) => inAny(wins, a));
    const packages: number[] = [];
    pkgs.forEach((p, j) => {
      const wins = pkgWins[j];
      if (
        (p.expiresAtMs === null || a < p.expiresAtMs) &&
        (wins === null || wins === undefined || inAny(wins, a))
      ) {
        packages.push(j);
      }
    });
    const prev = pieces[pieces.length - 1];
    if (prev !== undefined && prev.rule === rule && sameList(prev.packages, packages)) prev.endMs = b;
    else pieces.push({ startMs: a, endMs: b, rule, packages });
  }
  return pieces;
}

function sameList(x: number[], y: number[]): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function rateOf(ct: CompiledTariff, rule: number, member: boolean): number {
  const r = ct.rules[rule];
  if (r === undefined) return member ? ct.memberRate : ct.guestRate;
  return member ? r.memberRate : r.guestRate;
}

export function ruleIdOf(ct: CompiledTariff, rule: number): string | null {
  return ct.rules[rule]?.id ?? null;
}
