'use client';

import { type Locale } from '@econtrol/contracts';
import { z } from 'zod';
import { en as zodEn, es as zodEs } from 'zod/locales';

// Loaded lazily by ZodLocaleSync: keeps zod's locales out of every page's first-load bundle.

type Issue = Parameters<NonNullable<z.core.$ZodConfig['customError']>>[0];

/** Short, human messages for the issues a form shows most; the rest falls back to zod's locale. */
function friendlyErrors(locale: Locale) {
  const es = locale === 'es';
  return (iss: Issue): string | undefined => {
    const req = es ? 'Campo obligatorio.' : 'Required.';
    if (iss.code === 'invalid_type') return iss.input === undefined || iss.input === '' ? req : undefined;
    if (iss.code === 'too_small') {
      const min = Number(iss.minimum);
      if (iss.origin === 'string')
        return min <= 1 ? req : es ? `Mínimo ${min} caracteres.` : `At least ${min} characters.`;
      if (iss.origin === 'array') return es ? `Elige al menos ${min}.` : `Choose at least ${min}.`;
      return es ? `Debe ser al menos ${min}.` : `Must be at least ${min}.`;
    }
    if (iss.code === 'too_big') {
      const max = Number(iss.maximum);
      if (iss.origin === 'string') return es ? `Máximo ${max} caracteres.` : `At most ${max} characters.`;
      return es ? `Debe ser como máximo ${max}.` : `Must be at most ${max}.`;
    }
    if (iss.code === 'invalid_format') {
      if (iss.format === 'email') return es ? 'Correo inválido.' : 'Invalid email.';
      if (iss.format === 'uuid') return es ? 'Elige una opción.' : 'Choose an option.';
    }
    return undefined;
  };
}

/** Zod's messages follow the UI language. */
export function configureZodLocale(locale: Locale): void {
  z.config({ ...(locale === 'en' ? zodEn() : zodEs()), customError: friendlyErrors(locale) });
}
