'use client';

import { type Locale } from '@econtrol/contracts';
import { useLocale } from 'next-intl';
import { useCallback } from 'react';
import type { FieldError as RhfFieldError, FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from './api';

/** Custom messages written in English in the shared contracts, translated for the form. */
const customMessages: Record<string, { es: string; en: string }> = {
  'Password cannot be blank': {
    es: 'La contraseña no puede estar en blanco.',
    en: 'Password cannot be blank.',
  },
  'Password cannot be empty': { es: 'Escribe tu contraseña.', en: 'Enter your password.' },
  'lowercase letters, digits and dashes': {
    es: 'Solo minúsculas, números y guiones.',
    en: 'Lowercase letters, digits and dashes only.',
  },
  'letters, digits, dot, dash, underscore': {
    es: 'Solo letras, números, punto, guion y guion bajo.',
    en: 'Letters, digits, dot, dash and underscore only.',
  },
  'phone number': { es: 'Número de teléfono inválido.', en: 'Invalid phone number.' },
  'HH:MM (24 h)': { es: 'Formato HH:MM (24 h).', en: 'Format HH:MM (24 h).' },
  'Unknown IANA time zone': { es: 'Zona horaria desconocida.', en: 'Unknown time zone.' },
};

/** Translate a react-hook-form error (from zodResolver or from the API) for display. */
export function useFieldErrorText(): (e: RhfFieldError | undefined) => string | undefined {
  const locale = useLocale();
  return useCallback(
    (e) => {
      if (!e?.message) return undefined;
      const custom = customMessages[e.message];
      return custom ? custom[locale] : e.message;
    },
    [locale],
  );
}

/** Message of any error in the user's language, with its code, e.g. for a toast or an alert box. */
export function describeError(err: unknown, locale: Locale): { message: string; code?: string } {
  if (err instanceof ApiError) return { message: err.localized(locale), code: err.code };
  return {
    message: locale === 'en' ? 'Something went wrong.' : 'Algo salió mal.',
    ...(err instanceof Error ? { code: err.name } : {}),
  };
}

/**
 * Maps an API error's `fields` onto form fields. Returns true when at least one field
 * matched (so the caller can skip a generic alert).
 */
export function applyApiFieldErrors<T extends FieldValues>(
  err: unknown,
  setError: UseFormSetError<T>,
  known: readonly string[],
  locale: Locale,
): boolean {
  if (!(err instanceof ApiError) || err.fields.length === 0) return false;
  let matched = false;
  for (const f of err.fields) {
    if (!known.includes(f.path)) continue;
    matched = true;
    setError(f.path as Path<T>, { type: f.code, message: customMessages[f.message]?.[locale] ?? f.message });
  }
  return matched;
}
