import { BillingInputError } from './errors.js';
import { assertSafeInt, describe } from './validate.js';

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      throw new BillingInputError(
        `cannot format currency ${describe(currency)} in locale ${describe(locale)}`,
      );
    }
    formats.set(key, f);
  }
  return f;
}

/**
 * Number of decimals of the currency's minor unit, as `Intl` defines it (PEN 2, USD 2, CLP 0, …).
 * Our minor unit is exactly this: for CLP the minor unit is 1 peso.
 */
export function currencyMinorDigits(currency: string): number {
  return formatFor(currency, 'en').resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an integer amount of minor units with `Intl.NumberFormat` (exact: the amount is passed as
 * a decimal string, never divided as a float). Negative amounts are allowed for display.
 */
export function formatMinor(amountMinor: number, currency: string, locale: string): string {
  assertSafeInt(amountMinor, 'amountMinor');
  const digits = currencyMinorDigits(currency);
  const abs = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const intPart = abs.slice(0, abs.length - digits);
  const frac = abs.slice(abs.length - digits);
  const decimal = `${amountMinor < 0 ? '-' : ''}${intPart}${digits > 0 ? `.${frac}` : ''}`;
  return formatFor(currency, locale).format(decimal as Intl.StringNumericLiteral);
}
