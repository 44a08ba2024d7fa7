'use client';

import { useLocale } from 'next-intl';
import { useEffect } from 'react';

export function ZodLocaleSync(): null {
  const locale = useLocale();
  useEffect(() => {
    let cancelled = false;
    void import('@/lib/zod-locale').then((m) => !cancelled && m.configureZodLocale(locale));
    return () => {
      cancelled = true;
    };
  }, [locale]);
  return null;
}
