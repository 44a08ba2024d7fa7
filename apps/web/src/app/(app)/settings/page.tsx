'use client';

import { updateLanCenterSchema } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths } from '@/lib/org-api';
import { countries, countryName, currencyName, timeZones } from '@/lib/regions';

const schema = updateLanCenterSchema.pick({
  name: true,
  address: true,
  city: true,
  country: true,
  timezone: true,
});
type Values = z.input<typeof schema>;
type Output = z.output<typeof schema>;

export default function LanCenterSettingsPage() {
  const t = useTranslations('settings.lanCenter');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { current, loading, error: loadError } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values, unknown, Output>({ resolver: zodResolver(schema) });
  const { errors, isSubmitting, isDirty } = form.formState;

  useEffect(() => {
    if (current)
      form.reset({
        name: current.name,
        address: current.address ?? '',
        city: current.city ?? '',
        country: current.country,
        timezone: current.timezone,
      });
  }, [current, form]);

  if (loading) return <Skeleton className="h-80 max-w-3xl" />;
  if (!current) return <ErrorAlert error={loadError} />;

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      await api(paths.lanCenter(current.id), { method: 'PATCH', body: values });
      await qc.invalidateQueries({ queryKey: keys.lanCenters });
      toast({ tone: 'success', title: tc('saved') });
    } catch (e) {
      if (!applyApiFieldErrors(e, form.setError, ['name', 'address', 'city', 'country', 'timezone'], locale))
        setError(e);
    }
  });

  return (
    <Card className="max-w-3xl">
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <CardHeader>
          <CardTitle>{t('title')}</CardTitle>
          <CardDescription>{t('subtitle')}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <ErrorAlert error={error} className="sm:col-span-2" />
          <Field label={t('name')} error={errText(errors.name)} required>
            <Input {...form.register('name')} />
          </Field>
          <Field label={t('currency')} hint={t('currencyHint')}>
            <Input
              value={`${current.currency} · ${currencyName(current.currency, locale)}`}
              readOnly
              disabled
            />
          </Field>
          <Field label={t('timezone')} hint={t('timezoneHint')} error={errText(errors.timezone)}>
            <Select {...form.register('timezone')}>
              {timeZones().map((z) => (
                <option key={z} value={z}>
                  {z.replaceAll('_', ' ')}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('country')} error={errText(errors.country)}>
            <Select {...form.register('country')}>
              {countries.map((c) => (
                <option key={c} value={c}>
                  {countryName(c, locale)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('city')} error={errText(errors.city)}>
            <Input {...form.register('city')} />
          </Field>
          <Field label={t('address')} error={errText(errors.address)}>
            <Input {...form.register('address')} />
          </Field>
        </CardContent>
        <CardFooter className="justify-end">
          <Button variant="outline" onClick={() => form.reset()} disabled={!isDirty || isSubmitting}>
            {tc('discard')}
          </Button>
          <Button type="submit" loading={isSubmitting} disabled={!isDirty}>
            {tc('save')}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
