'use client';

import { loginRequestSchema } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { AuthLayout } from '@/components/auth-layout';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useAuth } from '@/lib/auth';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { safeNext } from '@/lib/nav';

const schema = loginRequestSchema.pick({ login: true, password: true });
type Values = z.input<typeof schema>;

export function LoginForm() {
  const t = useTranslations('auth');
  const locale = useLocale();
  const router = useRouter();
  const { user, loading, login } = useAuth();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { login: '', password: '' } });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    const reason = new URLSearchParams(window.location.search).get('reason');
    if (reason === 'expired') setNotice(t('sessionExpired'));
  }, [t]);

  useEffect(() => {
    if (!loading && user && user.role !== 'CLIENT') router.replace(safeNext(window.location.search));
  }, [user, loading, router]);

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      const u = await login(values);
      if (u.role === 'CLIENT') {
        setError(null);
        setNotice(t('clientNotAllowed'));
        return;
      }
      router.replace(safeNext(window.location.search));
    } catch (e) {
      if (!applyApiFieldErrors(e, form.setError, ['login', 'password'], locale)) setError(e);
      form.setFocus('password');
    }
  });

  return (
    <AuthLayout>
      <div className="space-y-6">
        <div className="space-y-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">{t('loginTitle')}</h1>
          <p className="text-sm text-muted-foreground">{t('loginSubtitle')}</p>
        </div>
        {notice && (
          <p
            role="status"
            className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          >
            {notice}
          </p>
        )}
        <ErrorAlert error={error} />
        <form method="post" onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
          <Field label={t('login')} error={errText(errors.login)}>
            <Input
              autoComplete="username"
              autoFocus
              autoCapitalize="none"
              spellCheck={false}
              {...form.register('login')}
            />
          </Field>
          <Field label={t('password')} error={errText(errors.password)}>
            <Input type="password" autoComplete="current-password" {...form.register('password')} />
          </Field>
          <Button type="submit" size="lg" className="w-full" loading={isSubmitting}>
            {isSubmitting ? t('submitting') : t('submit')}
          </Button>
        </form>
        <p className="text-center text-sm text-muted-foreground">
          {t('noAccount')}{' '}
          <Link href="/signup/" className="font-medium text-primary hover:underline">
            {t('createLocal')}
          </Link>
        </p>
      </div>
    </AuthLayout>
  );
}
