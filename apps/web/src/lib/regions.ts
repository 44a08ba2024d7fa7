/** Sensible defaults per currency for the sign-up form (the user can change each one). */
export const currencyDefaults: Record<string, { timezone: string; country: string }> = {
  PEN: { timezone: 'America/Lima', country: 'PE' },
  MXN: { timezone: 'America/Mexico_City', country: 'MX' },
  COP: { timezone: 'America/Bogota', country: 'CO' },
  ARS: { timezone: 'America/Argentina/Buenos_Aires', country: 'AR' },
  CLP: { timezone: 'America/Santiago', country: 'CL' },
  BOB: { timezone: 'America/La_Paz', country: 'BO' },
  UYU: { timezone: 'America/Montevideo', country: 'UY' },
  PYG: { timezone: 'America/Asuncion', country: 'PY' },
  GTQ: { timezone: 'America/Guatemala', country: 'GT' },
  CRC: { timezone: 'America/Costa_Rica', country: 'CR' },
  DOP: { timezone: 'America/Santo_Domingo', country: 'DO' },
};

export const countries = [
  'PE',
  'MX',
  'CO',
  'AR',
  'CL',
  'BO',
  'EC',
  'UY',
  'PY',
  'GT',
  'CR',
  'DO',
  'VE',
  'PA',
  'SV',
  'HN',
  'NI',
  'US',
  'ES',
] as const;

export function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale === 'en' ? 'en' : 'es-419'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function currencyName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale === 'en' ? 'en' : 'es-419'], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

let zones: string[] | null = null;
/** All IANA zones known to this browser, America/* first. */
export function timeZones(): string[] {
  if (!zones) {
    const all =
      typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['America/Lima'];
    zones = [
      ...all.filter((z) => z.startsWith('America/')),
      ...all.filter((z) => !z.startsWith('America/')),
      'UTC',
    ];
  }
  return zones;
}
