'use client';

import { createZoneSchema, type Zone } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Layers, Pencil, Plus, Tags, Trash2 } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { RowMenu } from '@/components/settings/row-menu';
import { TariffDialog } from '@/components/settings/tariff-dialog';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { applyApiFieldErrors, describeError, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths, useZones } from '@/lib/org-api';

type Values = z.input<typeof createZoneSchema>;
type Output = z.output<typeof createZoneSchema>;
const palette = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#ec4899', '#64748b'];

function ZoneDialog({
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

export default function ZonesSettingsPage() {
  const t = useTranslations('settings.zones');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId } = useLanCenter();
  const zones = useZones(currentId);
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Zone | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [deleting, setDeleting] = useState<Zone | null>(null);
  const [tariffZone, setTariffZone] = useState<Zone | null>(null);

  const del = useMutation({
    mutationFn: (z: Zone) => api(paths.zone(z.id), { method: 'DELETE' }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.zones(currentId ?? '') });
      toast({ tone: 'success', title: t('deleted') });
      setDeleting(null);
    },
    onError: (e) => {
      const d = describeError(e, locale);
      toast({ tone: 'error', title: d.message, ...(d.code ? { code: d.code } : {}) });
    },
  });

  const open = (z: Zone | null) => {
    setEditing(z);
    setDialogOpen(true);
  };
  const list = [...(zones.data ?? [])].sort((a, b) => a.position - b.position);

  return (
    <>
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm text-muted-foreground">{t('subtitle')}</p>
        <Button onClick={() => open(null)}>
          <Plus aria-hidden />
          {t('new')}
        </Button>
      </div>
      <ErrorAlert error={zones.error} onRetry={() => void zones.refetch()} />
      {zones.isPending ? (
        <Skeleton className="h-48" />
      ) : zones.error ? null : list.length === 0 ? (
        <EmptyState
          icon={Layers}
          title={t('empty')}
          description={t('emptyHint')}
          action={
            <Button onClick={() => open(null)}>
              <Plus aria-hidden />
              {t('new')}
            </Button>
          }
        />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t('name')}</TH>
              <TH>{t('description')}</TH>
              <TH className="text-right">{t('pcs')}</TH>
              <TH className="text-right">{t('position')}</TH>
              <TH className="w-40">
                <span className="sr-only">{tc('actions')}</span>
              </TH>
            </TR>
          </THead>
          <TBody>
            {list.map((z) => (
              <TR key={z.id}>
                <TD className="font-medium">
                  <span className="flex items-center gap-2">
                    <span
                      className="size-3 rounded-sm"
                      style={{ background: z.color ?? '#94a3b8' }}
                      aria-hidden
                    />
                    {z.name}
                  </span>
                </TD>
                <TD className="max-w-sm truncate text-muted-foreground">{z.description ?? '—'}</TD>
                <TD className="tabular text-right">{z.pcCount}</TD>
                <TD className="tabular text-right text-muted-foreground">{z.position}</TD>
                <TD>
                  <div className="flex items-center justify-end gap-1">
                    <Button size="sm" variant="outline" onClick={() => setTariffZone(z)}>
                      <Tags aria-hidden />
                      {t('tariff')}
                    </Button>
                    <RowMenu
                      label={z.name}
                      items={[
                        {
                          key: 'edit',
                          label: tc('edit'),
                          icon: <Pencil aria-hidden />,
                          onSelect: () => open(z),
                        },
                        {
                          key: 'delete',
                          label: tc('delete'),
                          icon: <Trash2 aria-hidden />,
                          destructive: true,
                          disabled: z.pcCount > 0,
                          onSelect: () => setDeleting(z),
                        },
                      ]}
                    />
                  </div>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <TariffDialog zone={tariffZone} onClose={() => setTariffZone(null)} />
      <ZoneDialog zone={editing} open={dialogOpen} onOpenChange={setDialogOpen} />
      <ConfirmDialog
        open={!!deleting}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t('deleteTitle', { name: deleting?.name ?? '' })}
        description={t('deleteHint')}
        confirmLabel={tc('delete')}
        loading={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </>
  );
}
