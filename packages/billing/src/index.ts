/**
 * @econtrol/billing — pure, deterministic tariff engine (no clock reads, no randomness, no I/O).
 *
 * Units: money is an integer number of minor units (cents) — a safe integer ≥ 0; rates are minor
 * units per hour; instants are epoch milliseconds. Invalid input throws `BillingInputError`.
 *
 * Whole seconds: an interval [startMs, endMs) counts floor((endMs − startMs) / 1000) seconds, the
 * k-th starting at startMs + k·1000 (a trailing fraction of a second is not billed). Each second is
 * priced by the rate in force at the instant it starts (rules evaluated in the tariff's IANA zone).
 *
 * Granularity 'minute': the session's total active seconds are rounded UP to whole minutes; the
 * extra seconds are priced as if the session continued right after its last counted second.
 *
 * Packages: a second is covered by the first package (array order) that is valid at the second's
 * start (inside its window, start < expiresAtMs) and still has seconds; the rest is paid with money.
 *
 * ROUNDING RULE (the only money rounding in the system):
 *   exact   = Σ (money seconds × rate per hour) / 3600     — accumulated exactly as an integer numerator
 *   amount  = floor((numerator + 1800) / 3600)             — once, half-up to the minor unit, on the total
 *   never per tick, per second, per segment or per interval.
 * MINIMUM CHARGE: if at least one billed second is paid with money (chargeableSeconds > 0),
 *   amount = max(amount, minimumChargeMinor). A session fully covered by packages owes 0.
 *
 * (A percentage discount in a rule produces an hourly RATE, rounded half-up to a whole minor unit
 * per hour, so the exact amount keeps the denominator 3600. That is a rate definition, not a second
 * money rounding.)
 */
export { BillingInputError } from './errors.js';
export { charge, nextBoundaryMs, priceSession, quote, timeAffordable } from './engine.js';
export { currencyMinorDigits, formatMinor } from './format.js';
export { loyaltyPoints } from './loyalty.js';
export {
  buildZoneTable,
  installZoneTable,
  removeZoneTable,
  zonedParts,
  zonedTimeToMs,
  type LocalDateTime,
  type ZonedParts,
  type ZoneTable,
} from './time-zone.js';
export type {
  Granularity,
  Interval,
  LoyaltyRule,
  PackageBalance,
  PriceInput,
  Quote,
  Segment,
  Tariff,
  TimeAffordableInput,
  TimeRule,
} from './types.js';
