'use client';

import { type Locale } from '@econtrol/contracts';
import { NextIntlClientProvider } from 'next-intl';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import en from '../../messages/en.json';
import es from '../../messages/es.json';
import { STORAGE_KEYS } from './config';

export const DEFAULT_TIMEZONE = 'America/Lima';
const catalogs = { es, en } as const;

interface LocaleContextValue {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  /** Time zone used by next-intl's date formatting (the LAN center's). */
  setTimeZone: (tz: string) => void;
  timeZone: string;
}

const LocaleContext = createContext<LocaleContextValue | null>(null);

export function storedLocale(): Locale | null {
  if (typeof localStorage === 'undefined') return null;
  const v = localStorage.getItem(STORAGE_KEYS.locale);
  return v === 'es' || v === 'en' ? v : null;
}

export function LocaleProvider({ children }: { children: React.ReactNode }) {
  // Static export prerenders Spanish; the stored choice is applied right after hydration.
  const [locale, setLocaleState] = useState<Locale>('es');
  const [timeZone, setTimeZone] = useState(DEFAULT_TIMEZONE);

  useEffect(() => {
    const stored = storedLocale();
    if (stored) setLocaleState(stored);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale === 'es' ? 'es-419' : 'en';
  }, [locale]);

  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(STORAGE_KEYS.locale, l);
    setLocaleState(l);
  }, []);

  const value = useMemo(() => ({ locale, setLocale, timeZone, setTimeZone }), [locale, setLocale, timeZone]);

  return (
    <LocaleContext.Provider value={value}>
      <NextIntlClientProvider locale={locale} messages={catalogs[locale]} timeZone={timeZone}>
        {children}
      </NextIntlClientProvider>
    </LocaleContext.Provider>
  );
}

export function useLocaleSettings(): LocaleContextValue {
  const ctx = useContext(LocaleContext);
  if (!ctx) throw new Error('useLocaleSettings outside LocaleProvider');
  return ctx;
}
