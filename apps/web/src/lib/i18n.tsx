'use client';

import { type Locale } from '@econtrol/contracts';
import { NextIntlClientProvider } from 'next-intl';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import es from '../../messages/es.json';
import { STORAGE_KEYS } from './config';

export const DEFAULT_TIMEZONE = 'America/Lima';
type Messages = typeof es;
/** Spanish ships with every page; English is fetched the first time someone switches to it. */
let english: Messages | null = null;
const loadEnglish = async (): Promise<Messages> =>
  (english ??= (await import('../../messages/en.json')).default);

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
  const [wanted, setLocaleState] = useState<Locale>('es');
  const [en, setEn] = useState<Messages | null>(english);
  const [timeZone, setTimeZone] = useState(DEFAULT_TIMEZONE);
  // The chosen language shows once its messages are here (Spanish until then).
  const locale: Locale = wanted === 'en' && en ? 'en' : 'es';

  useEffect(() => {
    if (wanted !== 'en' || en) return;
    let cancelled = false;
    void loadEnglish().then((m) => !cancelled && setEn(m));
    return () => {
      cancelled = true;
    };
  }, [wanted, en]);

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
      <NextIntlClientProvider locale={locale} messages={locale === 'en' && en ? en : es} timeZone={timeZone}>
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
