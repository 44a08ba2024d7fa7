'use client';

import { createPcSchema, type Pc } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths, usePcs, useZones } from '@/lib/org-api';

const formSchema = createPcSchema.pick({ name: true, zoneId: true }).extend({ noAgent: z.boolean() });
type Values = z.input<typeof formSchema>;

/** Suggests the next free "PC-NN" name. */
function nextName(pcs: Pc[]): string {
  let max = 0;
  for (const p of pcs) {
    const m = /^PC-?(\d+)$/i.exec(p.name);
    if (m?.[1]) max = Math.max(max, Number(m[1]));
  }
  return `PC-${String(max + 1).padStart(2, '0')}`;
}

export function PcDialog({
  pc,
  open,
  onOpenChange,
}: {
  pc: Pc | null;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const t = useTranslations('settings.pcs');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId } = useLanCenter();
  const zones = useZones(currentId);
  const pcs = usePcs(currentId);
  const qc = useQueryClient();
  const toast = useToast();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values>({ resolver: zodResolver(formSchema) });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.reset(
      pc
        ? { name: pc.name, zoneId: pc.zoneId, noAgent: !pc.requiresAgent }
        : { name: nextName(pcs.data ?? []), zoneId: zones.data?.[0]?.id ?? '', noAgent: false },
    );
  }, [open, pc, form, pcs.data, zones.data]);

  const onSubmit = form.handleSubmit(async ({ noAgent, ...fields }) => {
    if (!currentId) return;
    const values = { ...fields, requiresAgent: !noAgent };
    setError(null);
    try {
      if (pc) await api(paths.pc(pc.id), { method: 'PATCH', body: values });
      else await api(paths.pcs(currentId), { method: 'POST', body: values });
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.pcs(currentId) }),
        qc.invalidateQueries({ queryKey: keys.zones(currentId) }),
      ]);
      toast({ tone: 'success', title: pc ? tc('saved') : t('created', { name: values.name }) });
      onOpenChange(false);
    } catch (e) {
      if (!applyApiFieldErrors(e, form.setError, ['name', 'zoneId'], locale)) setError(e);
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={pc ? t('edit') : t('new')}
      dismissible={!isSubmitting}
      className="max-w-md"
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={isSubmitting}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="pc-form" loading={isSubmitting}>
            {pc ? tc('save') : tc('create')}
          </Button>
        </>
      }
    >
      <form id="pc-form" onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
        <ErrorAlert error={error} />
        <Field label={t('name')} hint={t('nameHint')} error={errText(errors.name)} required>
          <Input autoFocus className="font-mono" {...form.register('name')} />
        </Field>
        <Field label={t('zone')} error={errText(errors.zoneId)} required>
          <Select {...form.register('zoneId')}>
            {(zones.data ?? []).map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </Select>
        </Field>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-1 size-4" {...form.register('noAgent')} />
          <span>
            <span className="font-medium">{t('noAgent')}</span>
            <span className="block text-muted-foreground">{t('noAgentHint')}</span>
          </span>
        </label>
      </form>
    </Dialog>
  );
}
