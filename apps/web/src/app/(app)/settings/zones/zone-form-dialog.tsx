'use client';

import { createZoneSchema, type Zone } from '@econtrol/contracts';
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
import { Input, Textarea } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths } from '@/lib/org-api';

type Values = z.input<typeof createZoneSchema>;
type Output = z.output<typeof createZoneSchema>;
const palette = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#ec4899', '#64748b'];

export function ZoneDialog({
  zone,
  open,
  onOpenChange,
}: {
  zone: Zone | null;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const t = useTranslations('settings.zones');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values, unknown, Output>({ resolver: zodResolver(createZoneSchema) });
  const { errors, isSubmitting } = form.formState;
  const color = form.watch('color');

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.reset(
      zone
        ? {
            name: zone.name,
            description: zone.description ?? '',
            position: zone.position,
            color: zone.color ?? palette[0],
          }
        : { name: '', description: '', position: 0, color: palette[0] },
    );
  }, [open, zone, form]);

  const onSubmit = form.handleSubmit(async (values) => {
    if (!currentId) return;
    setError(null);
    const body = { ...values, description: values.description || undefined };
    try {
      if (zone) await api(paths.zone(zone.id), { method: 'PATCH', body });
      else await api(paths.zones(currentId), { method: 'POST', body });
      await qc.invalidateQueries({ queryKey: keys.zones(currentId) });
      toast({ tone: 'success', title: zone ? tc('saved') : t('created', { name: values.name }) });
      onOpenChange(false);
    } catch (e) {
      if (!applyApiFieldErrors(e, form.setError, ['name', 'description', 'position', 'color'], locale))
        setError(e);
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={zone ? t('edit') : t('new')}
      dismissible={!isSubmitting}
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={isSubmitting}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="zone-form" loading={isSubmitting}>
            {zone ? tc('save') : tc('create')}
          </Button>
        </>
      }
    >
      <form id="zone-form" onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
        <ErrorAlert error={error} />
        <Field label={t('name')} hint={t('nameHint')} error={errText(errors.name)} required>
          <Input autoFocus {...form.register('name')} />
        </Field>
        <Field label={t('description')} error={errText(errors.description)}>
          <Textarea rows={2} {...form.register('description')} />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t('position')} hint={t('positionHint')} error={errText(errors.position)}>
            <Input type="number" min={0} {...form.register('position', { valueAsNumber: true })} />
          </Field>
          <fieldset className="flex flex-col gap-1.5">
            <legend className="mb-1.5 text-sm font-medium">{t('color')}</legend>
            <div className="flex flex-wrap gap-1.5">
              {palette.map((c) => (
                <button
                  key={c}
                  type="button"
                  aria-label={c}
                  aria-pressed={color === c}
                  onClick={() => form.setValue('color', c, { shouldDirty: true })}
                  className="size-7 rounded-md border-2 border-transparent ring-offset-2 focus-visible:outline-2 focus-visible:outline-ring aria-pressed:border-foreground"
                  style={{ background: c }}
                />
              ))}
            </div>
          </fieldset>
        </div>
      </form>
    </Dialog>
  );
}
