'use client';

import { currencies, signupRequestSchema, type AuthResponse } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { AuthLayout } from '@/components/auth-layout';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { api, ApiError } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import { STORAGE_KEYS } from '@/lib/config';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { routes } from '@/lib/nav';
import { countries, countryName, currencyDefaults, currencyName, timeZones } from '@/lib/regions';

const schema = signupRequestSchema.omit({ tokenMode: true, locale: true });
type Values = z.input<typeof schema>;
type Output = z.output<typeof schema>;

const fieldPaths = [
  'organizationName',
  'organizationSlug',
  'currency',
  'lanCenter.name',
  'lanCenter.timezone',
  'lanCenter.city',
  'lanCenter.address',
  'lanCenter.country',
  'manager.name',
  'manager.email',
  'manager.username',
  'manager.password',
] as const;

interface SignupResponse {
  organization: { id: string };
  lanCenter: { id: string };
  auth: AuthResponse;
}

function Section({ n, title, children }: { n: number; title: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-4">
      <legend className="mb-3 flex items-center gap-2 text-sm font-semibold text-foreground">
        <span className="flex size-6 items-center justify-center rounded-full bg-primary/10 text-xs text-primary">
          {n}
        </span>
        {title}
      </legend>
      {children}
    </fieldset>
  );
}

export function SignupForm() {
  const t = useTranslations('signup');
  const locale = useLocale();
  const router = useRouter();
  const toast = useToast();
  const { acceptSession } = useAuth();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);

  const form = useForm<Values, unknown, Output>({
    resolver: zodResolver(schema),
    defaultValues: {
      organizationName: '',
      currency: 'PEN',
      lanCenter: { name: '', timezone: 'America/Lima', country: 'PE', city: '' },
      manager: { name: '', email: '', username: '', password: '' },
    },
  });
  const { errors, isSubmitting, dirtyFields } = form.formState;

  const onCurrency = (e: React.ChangeEvent<HTMLSelectElement>) => {
    const d = currencyDefaults[e.target.value];
    if (!d) return;
    if (!dirtyFields.lanCenter?.timezone) form.setValue('lanCenter.timezone', d.timezone);
    if (!dirtyFields.lanCenter?.country) form.setValue('lanCenter.country', d.country);
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const body = {
      ...values,
      organizationSlug: values.organizationSlug || undefined,
      lanCenter: {
        ...values.lanCenter,
        city: values.lanCenter.city || undefined,
        address: values.lanCenter.address || undefined,
      },
      locale,
      tokenMode: 'cookie' as const,
    };
    try {
      const res = await api<SignupResponse>('/signup', { method: 'POST', body });
      localStorage.setItem(STORAGE_KEYS.lanCenter, res.lanCenter.id);
      acceptSession(res.auth);
      toast({ tone: 'success', title: t('success'), description: t('successHint') });
      router.replace(routes.settingsZones);
    } catch (e) {
      if (e instanceof ApiError) {
        const byCode = {
          EMAIL_TAKEN: 'manager.email',
          USERNAME_TAKEN: 'manager.username',
          SLUG_TAKEN: 'organizationSlug',
        } as const;
        const path = byCode[e.code as keyof typeof byCode];
        if (path) {
          form.setError(path, { type: e.code, message: e.localized(locale) });
          form.setFocus(path);
          return;
        }
      }
      if (!applyApiFieldErrors(e, form.setError, fieldPaths, locale)) setError(e);
    }
  });

  return (
    <AuthLayout wide>
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
          <p className="text-sm text-muted-foreground">{t('subtitle')}</p>
        </div>
        <ErrorAlert error={error} />
        <form method="post" onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-7">
          <Section n={1} title={t('sectionBusiness')}>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label={t('organizationName')}
                hint={t('organizationNameHint')}
                error={errText(errors.organizationName)}
                required
              >
                <Input autoFocus autoComplete="organization" {...form.register('organizationName')} />
              </Field>
              <Field
                label={t('lanName')}
                hint={t('lanNameHint')}
                error={errText(errors.lanCenter?.name)}
                required
              >
                <Input {...form.register('lanCenter.name')} />
              </Field>
              <Field label={t('currency')} error={errText(errors.currency)}>
                <Select {...form.register('currency', { onChange: onCurrency })}>
                  {currencies.map((c) => (
                    <option key={c} value={c}>
                      {c} · {currencyName(c, locale)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label={t('timezone')} error={errText(errors.lanCenter?.timezone)}>
                <Select {...form.register('lanCenter.timezone')}>
                  {timeZones().map((z) => (
                    <option key={z} value={z}>
                      {z.replaceAll('_', ' ')}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label={t('country')} error={errText(errors.lanCenter?.country)}>
                <Select {...form.register('lanCenter.country')}>
                  {countries.map((c) => (
                    <option key={c} value={c}>
                      {countryName(c, locale)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label={t('city')} error={errText(errors.lanCenter?.city)}>
                <Input autoComplete="address-level2" {...form.register('lanCenter.city')} />
              </Field>
            </div>
          </Section>
          <Section n={2} title={t('sectionManager')}>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label={t('managerName')} error={errText(errors.manager?.name)} required>
                <Input autoComplete="name" {...form.register('manager.name')} />
              </Field>
              <Field label={t('email')} error={errText(errors.manager?.email)} required>
                <Input type="email" autoComplete="email" {...form.register('manager.email')} />
              </Field>
              <Field
                label={t('username')}
                hint={t('usernameHint')}
                error={errText(errors.manager?.username)}
                required
              >
                <Input
                  autoComplete="username"
                  autoCapitalize="none"
                  spellCheck={false}
                  {...form.register('manager.username')}
                />
              </Field>
              <Field
                label={t('password')}
                hint={t('passwordHint')}
                error={errText(errors.manager?.password)}
                required
              >
                <Input type="password" autoComplete="new-password" {...form.register('manager.password')} />
              </Field>
            </div>
          </Section>
          <div className="flex flex-col-reverse items-center justify-between gap-3 border-t border-border pt-5 sm:flex-row">
            <p className="text-sm text-muted-foreground">
              {t('haveAccount')}{' '}
              <Link href={routes.login} className="font-medium text-primary hover:underline">
                {t('goLogin')}
              </Link>
            </p>
            <Button type="submit" size="lg" loading={isSubmitting}>
              {isSubmitting ? t('submitting') : t('submit')}
            </Button>
          </div>
        </form>
      </div>
    </AuthLayout>
  );
}
