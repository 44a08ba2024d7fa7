import type { Locale } from '@econtrol/contracts';

/** Regional format per currency, so S/ 10.00 reads like in Lima and $ 10.000 like in Bogotá. */
const regionByCurrency: Record<string, string> = {
  PEN: 'es-PE',
  MXN: 'es-MX',
  COP: 'es-CO',
  ARS: 'es-AR',
  CLP: 'es-CL',
  USD: 'es-US',
  BOB: 'es-BO',
  UYU: 'es-UY',
  PYG: 'es-PY',
  GTQ: 'es-GT',
  CRC: 'es-CR',
  DOP: 'es-DO',
};

export function intlLocale(locale: Locale, currency?: string): string {
  if (locale === 'en') return 'en-US';
  return (currency && regionByCurrency[currency]) ?? 'es-419';
}

/** Number of minor-unit digits of a currency (ISO 4217 via Intl; CLP/PYG = 0, PEN = 2). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Money is integer minor units everywhere; convert only for display. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(intlLocale(locale, currency), {
    style: 'currency',
    currency,
    currencyDisplay: currency === 'USD' && locale === 'es' ? 'symbol' : 'narrowSymbol',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/** Parses what a cashier types ("10", "10.5", "10,50") into integer minor units, or null. */
export function parseMoney(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const s = input.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d*)?$/.test(s)) return null;
  const [int = '0', frac = ''] = s.split('.');
  if (frac.length > digits) return null;
  return Number(int) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** Minutes as h:mm (time left / time used on the floor). */
export function formatDuration(totalMinutes: number): string {
  const m = Math.max(0, Math.floor(totalMinutes));
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

export function formatDateTime(iso: string | Date, locale: Locale, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone,
  }).format(d);
}

export function formatTime(iso: string | Date, locale: Locale, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', timeZone }).format(
    d,
  );
}

/** Time only when it is today in the LAN center's zone, otherwise short date + time. */
export function formatWhen(
  iso: string | Date,
  locale: Locale,
  timeZone: string,
  now: Date = new Date(),
): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  if (day.format(d) === day.format(now)) return formatTime(d, locale, timeZone);
  return new Intl.DateTimeFormat(intlLocale(locale), {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(d);
}

/** The instant a local calendar day ("2026-03-01") starts in an IANA time zone, as ISO UTC. */
export function zonedDayStart(ymd: string, timeZone: string): string {
  const [y = 1970, m = 1, d = 1] = ymd.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, p.value]),
  );
  const asLocal = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return new Date(guess - (asLocal - guess)).toISOString();
}

/** Adds whole days to "YYYY-MM-DD". */
export function addDays(ymd: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
