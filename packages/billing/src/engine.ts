import { BillingInputError } from './errors.js';
import {
  buildPieces,
  compilePackages,
  compileTariff,
  MAX_SPAN_MS,
  rateOf,
  ruleIdOf,
  type CompiledPackage,
  type CompiledTariff,
  type Piece,
} from './timeline.js';
import type {
  Interval,
  PackageBalance,
  PriceInput,
  Quote,
  Segment,
  Tariff,
  TimeAffordableInput,
} from './types.js';
import { assertNonNegativeInt } from './validate.js';

const DAY_MS = 86_400_000;
const DEFAULT_HORIZON_MS = 7 * DAY_MS;

/** A run of consecutive whole seconds: the k-th second starts at s0 + k*1000, k < n. */
interface Run {
  s0: number;
  n: number;
}

interface State {
  remaining: number[];
  used: number[];
  numerator: bigint;
  chargeable: number;
  segments: Segment[];
}

function newState(pkgs: CompiledPackage[]): State {
  return {
    remaining: pkgs.map((p) => p.secondsRemaining),
    used: pkgs.map(() => 0),
    numerator: 0n,
    chargeable: 0,
    segments: [],
  };
}

function pushSegment(st: State, seg: Segment): void {
  const last = st.segments[st.segments.length - 1];
  if (
    last !== undefined &&
    last.endMs === seg.startMs &&
    last.ratePerHourMinor === seg.ratePerHourMinor &&
    last.ruleId === seg.ruleId &&
    last.packageId === seg.packageId
  ) {
    last.endMs = seg.endMs;
    last.seconds += seg.seconds;
  } else {
    st.segments.push(seg);
  }
}

/** Validates intervals and turns them into chronological runs of whole seconds. */
function toRuns(intervals: Interval[], what: string): Run[] {
  if (!Array.isArray(intervals)) throw new BillingInputError(`${what} must be an array`);
  intervals.forEach((iv, i) => {
    if (typeof iv !== 'object' || iv === null) throw new BillingInputError(`${what}[${i}] must be an object`);
    assertNonNegativeInt(iv.startMs, `${what}[${i}].startMs`);
    assertNonNegativeInt(iv.endMs, `${what}[${i}].endMs`);
    if (iv.endMs < iv.startMs) throw new BillingInputError(`${what}[${i}] ends before it starts`);
  });
  const sorted = [...intervals].sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Interval;
    const cur = sorted[i] as Interval;
    if (cur.startMs < prev.endMs) throw new BillingInputError(`${what} overlap`);
  }
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first !== undefined && last !== undefined && last.endMs - first.startMs > MAX_SPAN_MS) {
    throw new BillingInputError(`${what} span more than 366 days`);
  }
  const runs: Run[] = [];
  for (const iv of sorted) {
    const n = Math.floor((iv.endMs - iv.startMs) / 1000);
    if (n > 0) runs.push({ s0: iv.startMs, n });
  }
  return runs;
}

/** Prices chronological runs second by second (analytically per piece), consuming packages first. */
function priceRuns(
  ct: CompiledTariff,
  member: boolean,
  pkgs: CompiledPackage[],
  runs: Run[],
  st: State,
): void {
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) return;
  const pieces = buildPieces(ct, pkgs, first.s0, last.s0 + last.n * 1000);
  let j = 0;
  for (const run of runs) {
    const runEnd = run.s0 + run.n * 1000;
    while (j < pieces.length && (pieces[j] as Piece).endMs <= run.s0) j++;
    for (let k = j; k < pieces.length; k++) {
      const piece = pieces[k] as Piece;
      if (piece.startMs >= runEnd) break;
      const kA = Math.max(0, Math.ceil((piece.startMs - run.s0) / 1000));
      const kB = Math.min(run.n, Math.ceil((piece.endMs - run.s0) / 1000));
      if (kB > kA) allocate(ct, member, pkgs, piece, run.s0 + kA * 1000, kB - kA, st);
    }
  }
}

function allocate(
  ct: CompiledTariff,
  member: boolean,
  pkgs: CompiledPackage[],
  piece: Piece,
  startMs: number,
  count: number,
  st: State,
): void {
  const ruleId = ruleIdOf(ct, piece.rule);
  let t = startMs;
  let c = count;
  for (const pi of piece.packages) {
    if (c === 0) break;
    const take = Math.min(c, st.remaining[pi] as number);
    if (take === 0) continue;
    st.remaining[pi] = (st.remaining[pi] as number) - take;
    st.used[pi] = (st.used[pi] as number) + take;
    pushSegment(st, {
      startMs: t,
      endMs: t + take * 1000,
      seconds: take,
      ratePerHourMinor: 0,
      ruleId,
      packageId: (pkgs[pi] as CompiledPackage).id,
    });
    t += take * 1000;
    c -= take;
  }
  if (c > 0) {
    const rate = rateOf(ct, piece.rule, member);
    st.numerator += BigInt(c) * BigInt(rate);
    st.chargeable += c;
    pushSegment(st, {
      startMs: t,
      endMs: t + c * 1000,
      seconds: c,
      ratePerHourMinor: rate,
      ruleId,
      packageId: null,
    });
  }
}

/** THE rounding rule: exact total rounded once, half-up; then the minimum if money paid any second. */
function amountOf(numerator: bigint, chargeable: number, minimum: number): bigint {
  const rounded = (numerator + 1800n) / 3600n;
  return chargeable > 0 && rounded < BigInt(minimum) ? BigInt(minimum) : rounded;
}

function toSafe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new BillingInputError(`${what} exceeds the safe integer range`);
  return Number(v);
}

/**
 * Prices one session: the given active intervals, packages first, the rest with money.
 * See the module documentation in index.ts for whole seconds, granularity and rounding.
 */
export function priceSession(input: PriceInput): Quote {
  if (typeof input !== 'object' || input === null) throw new BillingInputError('input is required');
  if (typeof input.member !== 'boolean') throw new BillingInputError('member must be a boolean');
  const ct = compileTariff(input.tariff);
  const pkgs = compilePackages(input.packages);
  const runs = toRuns(input.intervals, 'intervals');
  const active = runs.reduce((s, r) => s + r.n, 0);
  const billed = ct.minute ? Math.ceil(active / 60) * 60 : active;
  const last = runs[runs.length - 1];
  // Rounding-up seconds continue right after the session's last counted second.
  if (last !== undefined && billed > active)
    runs[runs.length - 1] = { s0: last.s0, n: last.n + billed - active };
  const st = newState(pkgs);
  priceRuns(ct, input.member, pkgs, runs, st);
  const packageSeconds: Quote['packageSeconds'] = [];
  pkgs.forEach((p, i) => {
    const used = st.used[i] as number;
    if (used > 0) packageSeconds.push({ packageId: p.id, seconds: used });
  });
  return {
    billedSeconds: billed,
    packageSeconds,
    chargeableSeconds: st.chargeable,
    amountMinor: toSafe(amountOf(st.numerator, st.chargeable, ct.minimum), 'amount'),
    exactAmount: { numerator: toSafe(st.numerator, 'exact amount'), denominator: 3600 },
    segments: st.segments,
  };
}

/** "Session so far": same as {@link priceSession}. */
export const quote: (input: PriceInput) => Quote = priceSession;

/** Prices a single interval as a session of its own (minimum charge included). */
export function charge(
  tariff: Tariff,
  member: boolean,
  interval: Interval,
  packages?: PackageBalance[],
): Quote {
  return priceSession({
    tariff,
    member,
    intervals: [interval],
    ...(packages === undefined ? {} : { packages }),
  });
}

/**
 * Largest whole number of seconds `s` (0 ≤ s ≤ horizon) such that
 *   priceSession(alreadyUsed ∪ [fromMs, fromMs + s·1000)).amountMinor
 *     ≤ balanceMinor + priceSession(alreadyUsed).amountMinor
 * with the same packages. The cost is non-decreasing in `s`, so every smaller `s` is affordable too.
 * Computed analytically per rate piece (no loop over seconds).
 */
export function timeAffordable(input: TimeAffordableInput): number {
  if (typeof input !== 'object' || input === null) throw new BillingInputError('input is required');
  if (typeof input.member !== 'boolean') throw new BillingInputError('member must be a boolean');
  const ct = compileTariff(input.tariff);
  const pkgs = compilePackages(input.packages);
  assertNonNegativeInt(input.fromMs, 'fromMs');
  assertNonNegativeInt(input.balanceMinor, 'balanceMinor');
  const horizonMs = input.horizonMs ?? DEFAULT_HORIZON_MS;
  assertNonNegativeInt(horizonMs, 'horizonMs');
  if (horizonMs > MAX_SPAN_MS) throw new BillingInputError('horizonMs must be at most 366 days');
  const used = input.alreadyUsedIntervals ?? [];
  const usedRuns = toRuns(used, 'alreadyUsedIntervals');
  for (const iv of used) {
    if (iv.endMs > input.fromMs)
      throw new BillingInputError('alreadyUsedIntervals must end at or before fromMs');
  }
  const horizonS = Math.floor(horizonMs / 1000);
  const P = input.fromMs;

  // Budget for the whole session: what was already incurred plus the balance.
  const usedQuote = priceSession({
    tariff: input.tariff,
    member: input.member,
    intervals: used,
    ...(input.packages === undefined ? {} : { packages: input.packages }),
  });
  const budget = BigInt(input.balanceMinor) + BigInt(usedQuote.amountMinor);

  // State after the used seconds themselves (for s ≥ 1 the granularity rounding is recomputed on the total).
  const st = newState(pkgs);
  priceRuns(ct, input.member, pkgs, usedRuns, st);
  const usedSeconds = usedRuns.reduce((s, r) => s + r.n, 0);

  // round_half_up(N / 3600) ≤ budget  ⟺  N ≤ 3600·budget + 1799
  let room = budget * 3600n + 1799n - st.numerator;
  const minimumOk = BigInt(ct.minimum) <= budget;
  let chargeable = st.chargeable;
  const remaining = st.remaining;
  const capL = ct.minute ? horizonS + 60 : horizonS;

  // L = length of the run of seconds from P that stays within budget (g(L) ≤ budget, g non-decreasing).
  let L = 0;
  let stopped = room < 0n;
  while (!stopped && L < capL) {
    const chunkFrom = P + L * 1000;
    const chunkTo = P + Math.min(capL, L + 86_400) * 1000;
    const pieces = buildPieces(ct, pkgs, chunkFrom, chunkTo);
    const startL = L;
    for (const piece of pieces) {
      let c = Math.ceil((piece.endMs - P) / 1000) - Math.max(startL, Math.ceil((piece.startMs - P) / 1000));
      c = Math.min(c, capL - L);
      if (c <= 0) continue;
      for (const pi of piece.packages) {
        if (c === 0) break;
        const take = Math.min(c, remaining[pi] as number);
        remaining[pi] = (remaining[pi] as number) - take;
        L += take;
        c -= take;
      }
      if (c === 0) continue;
      if (chargeable === 0 && !minimumOk) {
        stopped = true;
        break;
      }
      const rate = BigInt(rateOf(ct, piece.rule, input.member));
      const k = rate === 0n ? c : Math.min(c, Number(room / rate));
      room -= BigInt(k) * rate;
      L += k;
      chargeable += k;
      if (k < c) {
        stopped = true;
        break;
      }
    }
    if (L === startL && !stopped) break; // defensive: no progress
  }
  if (stopped && room < 0n) return 0;

  if (!ct.minute) return Math.min(horizonS, L);
  // Minute granularity: s seconds bill L(s) = ceil((U+s)/60)·60 − U seconds from P; need L(s) ≤ L.
  const s = Math.floor((L + usedSeconds) / 60) * 60 - usedSeconds;
  return Math.max(0, Math.min(horizonS, s));
}

/**
 * Next instant after `fromMs` where the rate changes: the rule in force changes (member undefined),
 * or the guest/member rate changes (member given). Looks 8 days ahead (rules repeat weekly); null if none.
 */
export function nextBoundaryMs(tariff: Tariff, fromMs: number, member?: boolean): number | null {
  const ct = compileTariff(tariff);
  assertNonNegativeInt(fromMs, 'fromMs');
  if (ct.rules.length === 0) return null;
  const key = (rule: number): number => (member === undefined ? rule : rateOf(ct, rule, member));
  let current: number | undefined;
  for (let day = 0; day < 8; day++) {
    const pieces = buildPieces(ct, [], fromMs + day * DAY_MS, fromMs + (day + 1) * DAY_MS);
    for (const piece of pieces) {
      const k = key(piece.rule);
      if (current === undefined) current = k;
      else if (k !== current) return piece.startMs;
    }
  }
  return null;
}
