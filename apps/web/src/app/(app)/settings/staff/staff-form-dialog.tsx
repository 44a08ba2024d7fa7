'use client';

import { createStaffSchema, staffRoles } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { applyApiFieldErrors, describeError, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths } from '@/lib/org-api';

const formSchema = createStaffSchema.omit({ locale: true });
type Values = z.input<typeof formSchema>;
type Output = z.output<typeof formSchema>;

export function NewStaffDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const t = useTranslations('settings.staff');
  const tn = useTranslations('nav');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { lanCenters, currentId } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values, unknown, Output>({ resolver: zodResolver(formSchema) });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.reset({
      name: '',
      username: '',
      password: '',
      role: 'CASHIER',
      lanCenterIds: currentId ? [currentId] : [],
    });
  }, [open, form, currentId]);

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      await api(paths.staff(), {
        method: 'POST',
        body: { ...values, email: values.email || undefined, locale },
      });
      await qc.invalidateQueries({ queryKey: keys.staff });
      toast({ tone: 'success', title: t('created', { name: values.name }) });
      onOpenChange(false);
    } catch (e) {
      if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'USERNAME_TAKEN') {
        form.setError('username', { message: describeError(e, locale).message });
        return;
      }
      if (
        !applyApiFieldErrors(
          e,
          form.setError,
          ['name', 'email', 'username', 'password', 'role', 'lanCenterIds'],
          locale,
        )
      )
        setError(e);
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('new')}
      description={t('newHint')}
      dismissible={!isSubmitting}
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={isSubmitting}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="staff-form" loading={isSubmitting}>
            {tc('create')}
          </Button>
        </>
      }
    >
      <form
        id="staff-form"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        className="grid gap-4 sm:grid-cols-2"
      >
        <ErrorAlert error={error} className="sm:col-span-2" />
        <Field label={t('name')} error={errText(errors.name)} required className="sm:col-span-2">
          <Input autoFocus autoComplete="off" {...form.register('name')} />
        </Field>
        <Field label={t('username')} error={errText(errors.username)} required>
          <Input autoCapitalize="none" autoComplete="off" spellCheck={false} {...form.register('username')} />
        </Field>
        <Field label={t('email')} error={errText(errors.email)}>
          <Input
            type="email"
            autoComplete="off"
            {...form.register('email', { setValueAs: (v: string) => v || undefined })}
          />
        </Field>
        <Field label={t('password')} hint={t('passwordHint')} error={errText(errors.password)} required>
          <Input type="password" autoComplete="new-password" {...form.register('password')} />
        </Field>
        <Field label={t('role')} error={errText(errors.role)}>
          <Select {...form.register('role')}>
            {staffRoles.map((r) => (
              <option key={r} value={r}>
                {tn(`role.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        {lanCenters.length > 1 && (
          <fieldset className="sm:col-span-2">
            <legend className="mb-2 text-sm font-medium">{t('lanCenters')}</legend>
            <div className="grid grid-cols-2 gap-2">
              {lanCenters.map((l) => (
                <label key={l.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    value={l.id}
                    className="size-4 accent-primary"
                    {...form.register('lanCenterIds')}
                  />
                  {l.name}
                </label>
              ))}
            </div>
            {errors.lanCenterIds && (
              <p className="mt-1 text-xs font-medium text-danger">{t('lanCentersRequired')}</p>
            )}
          </fieldset>
        )}
      </form>
    </Dialog>
  );
}
