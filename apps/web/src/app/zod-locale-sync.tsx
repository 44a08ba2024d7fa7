'use client';

import { useLocale } from 'next-intl';
import { useEffect } from 'react';
import { configureZodLocale } from '@/lib/forms';

export function ZodLocaleSync(): null {
  const locale = useLocale();
  useEffect(() => configureZodLocale(locale), [locale]);
  return null;
}
