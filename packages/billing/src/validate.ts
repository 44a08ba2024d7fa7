import { BillingInputError } from './errors.js';

/** Non-negative safe integer (money, seconds, epoch ms, rates). */
export function assertNonNegativeInt(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BillingInputError(`${what} must be a non-negative safe integer, got ${describe(value)}`);
  }
}

export function assertSafeInt(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new BillingInputError(`${what} must be a safe integer, got ${describe(value)}`);
  }
}

export function assertOptionalNonNegativeInt(value: unknown, what: string): void {
  if (value !== undefined) assertNonNegativeInt(value, what);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return typeof value;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses 'HH:MM' (00:00..23:59) into minutes after midnight. */
export function parseHhMm(value: unknown, what: string): number {
  if (typeof value !== 'string')
    throw new BillingInputError(`${what} must be 'HH:MM', got ${describe(value)}`);
  const m = HHMM.exec(value);
  if (!m) throw new BillingInputError(`${what} must be 'HH:MM' (00:00..23:59), got ${describe(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function parseDays(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new BillingInputError(`${what} must be an array of weekdays 0..6`);
  for (const d of value) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 6) {
      throw new BillingInputError(`${what} must contain weekdays 0 (Sunday)..6, got ${describe(d)}`);
    }
  }
  return value as number[];
}
