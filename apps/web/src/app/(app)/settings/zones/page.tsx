'use client';

import dynamic from 'next/dynamic';
import { type Zone } from '@econtrol/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Layers, Pencil, Plus, Tags, Trash2 } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { RowMenu } from '@/components/settings/row-menu';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { describeError } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths, useZones } from '@/lib/org-api';

// Form dialog loaded on demand: react-hook-form and the schemas stay out of the first load.
const ZoneDialog = dynamic(() => import('./zone-form-dialog').then((m) => m.ZoneDialog), { ssr: false });

// Loaded when first opened: keeps this dialog out of the page's first-load JavaScript.
const TariffDialog = dynamic(
  () => import('@/components/settings/tariff-dialog').then((m) => m.TariffDialog),
  { ssr: false },
);

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
