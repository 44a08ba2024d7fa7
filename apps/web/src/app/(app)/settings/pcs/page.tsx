'use client';

import dynamic from 'next/dynamic';
import { type Pc } from '@econtrol/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Layers, Link2, Monitor, Pencil, Plus, Trash2, Wrench } from 'lucide-react';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { statusStyle } from '@/components/floor/status';
import { RowMenu } from '@/components/settings/row-menu';
import { Badge } from '@/components/ui/badge';
import { Button, buttonVariants } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatWhen } from '@/lib/format';
import { describeError } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { routes } from '@/lib/nav';
import { keys, type PairingCode, paths, usePcs, useZones } from '@/lib/org-api';
import { cn } from '@/lib/utils';

// Form dialog loaded on demand: react-hook-form and the schemas stay out of the first load.
const PcDialog = dynamic(() => import('./pc-form-dialog').then((m) => m.PcDialog), { ssr: false });

// Loaded when first opened: keeps this dialog out of the page's first-load JavaScript.
const PairingDialog = dynamic(
  () => import('@/components/settings/pairing-dialog').then((m) => m.PairingDialog),
  { ssr: false },
);

export default function PcsSettingsPage() {
  const t = useTranslations('settings.pcs');
  const tf = useTranslations('floor');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId, timeZone } = useLanCenter();
  const zones = useZones(currentId);
  const pcs = usePcs(currentId);
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Pc | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [retiring, setRetiring] = useState<Pc | null>(null);
  const [pairing, setPairing] = useState<{ pc: Pc; code: PairingCode } | null>(null);

  const onError = (e: unknown) => {
    const d = describeError(e, locale);
    toast({ tone: 'error', title: d.message, ...(d.code ? { code: d.code } : {}) });
  };
  const refresh = () => qc.invalidateQueries({ queryKey: keys.pcs(currentId ?? '') });

  const pair = useMutation({
    mutationFn: (pc: Pc) => api<PairingCode>(paths.pairingCode(pc.id), { method: 'POST', body: {} }),
    onSuccess: (code, pc) => setPairing({ pc, code }),
    onError,
  });
  const maintenance = useMutation({
    mutationFn: (pc: Pc) =>
      api(paths.pc(pc.id), {
        method: 'PATCH',
        body: { maintenance: pc.status !== 'MAINTENANCE' },
      }),
    onSuccess: refresh,
    onError,
  });
  const retire = useMutation({
    mutationFn: (pc: Pc) => api(paths.pc(pc.id), { method: 'DELETE' }),
    onSuccess: async () => {
      await refresh();
      toast({ tone: 'success', title: t('retired') });
      setRetiring(null);
    },
    onError,
  });

  const open = (pc: Pc | null) => {
    setEditing(pc);
    setDialogOpen(true);
  };
  const zoneName = new Map((zones.data ?? []).map((z) => [z.id, z.name]));
  const collator = new Intl.Collator(undefined, { numeric: true });
  const list = [...(pcs.data ?? [])].sort(
    (a, b) =>
      collator.compare(zoneName.get(a.zoneId) ?? '', zoneName.get(b.zoneId) ?? '') ||
      collator.compare(a.name, b.name),
  );
  const noZones = zones.isSuccess && zones.data.length === 0;
  const error = zones.error ?? pcs.error;

  return (
    <>
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm text-muted-foreground">{t('subtitle')}</p>
        <Button onClick={() => open(null)} disabled={noZones || !zones.isSuccess}>
          <Plus aria-hidden />
          {t('new')}
        </Button>
      </div>
      <ErrorAlert error={error} onRetry={() => void Promise.all([zones.refetch(), pcs.refetch()])} />
      {zones.isPending || pcs.isPending ? (
        <Skeleton className="h-64" />
      ) : error ? null : noZones ? (
        <EmptyState
          icon={Layers}
          title={t('noZones')}
          description={t('noZonesHint')}
          action={
            <Link href={routes.settingsZones} className={buttonVariants()}>
              {t('goZones')}
            </Link>
          }
        />
      ) : list.length === 0 ? (
        <EmptyState
          icon={Monitor}
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
              <TH>{t('zone')}</TH>
              <TH>{t('status')}</TH>
              <TH>{t('agent')}</TH>
              <TH>{t('lastSeen')}</TH>
              <TH className="w-40">
                <span className="sr-only">{tc('actions')}</span>
              </TH>
            </TR>
          </THead>
          <TBody>
            {list.map((pc) => (
              <TR key={pc.id}>
                <TD className="font-mono font-medium">{pc.name}</TD>
                <TD>{zoneName.get(pc.zoneId) ?? '—'}</TD>
                <TD>
                  <span
                    className={cn(
                      'inline-flex items-center gap-1.5 text-xs font-medium',
                      statusStyle[pc.status].text,
                    )}
                  >
                    <span className={cn('size-2 rounded-full', statusStyle[pc.status].dot)} aria-hidden />
                    {tf(`status.${pc.status}`)}
                  </span>
                </TD>
                <TD>
                  {pc.enrolled ? (
                    <span className="text-sm">{pc.agentVersion ? `v${pc.agentVersion}` : t('enrolled')}</span>
                  ) : (
                    <Badge variant="warning">{tf('notEnrolled')}</Badge>
                  )}
                </TD>
                <TD className="tabular text-muted-foreground">
                  {pc.lastHeartbeatAt ? formatWhen(pc.lastHeartbeatAt, locale, timeZone) : '—'}
                </TD>
                <TD>
                  <div className="flex items-center justify-end gap-1">
                    {!pc.enrolled && (
                      <Button
                        size="sm"
                        variant="outline"
                        onClick={() => pair.mutate(pc)}
                        loading={pair.isPending && pair.variables.id === pc.id}
                      >
                        <Link2 aria-hidden />
                        {t('pair')}
                      </Button>
                    )}
                    <RowMenu
                      label={pc.name}
                      items={[
                        {
                          key: 'edit',
                          label: tc('edit'),
                          icon: <Pencil aria-hidden />,
                          onSelect: () => open(pc),
                        },
                        {
                          key: 'maint',
                          label: pc.status === 'MAINTENANCE' ? t('endMaintenance') : t('startMaintenance'),
                          icon: <Wrench aria-hidden />,
                          disabled: !!pc.session,
                          onSelect: () => maintenance.mutate(pc),
                        },
                        {
                          key: 'retire',
                          label: t('retire'),
                          icon: <Trash2 aria-hidden />,
                          destructive: true,
                          disabled: !!pc.session,
                          onSelect: () => setRetiring(pc),
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
      <PcDialog pc={editing} open={dialogOpen} onOpenChange={setDialogOpen} />
      <PairingDialog
        pcName={pairing?.pc.name ?? ''}
        pairing={pairing?.code ?? null}
        onClose={() => {
          setPairing(null);
          void refresh();
        }}
        onRenew={() => pairing && pair.mutate(pairing.pc)}
        renewing={pair.isPending}
      />
      <ConfirmDialog
        open={!!retiring}
        onOpenChange={(o) => !o && setRetiring(null)}
        title={t('retireTitle', { name: retiring?.name ?? '' })}
        description={t('retireHint')}
        confirmLabel={t('retire')}
        loading={retire.isPending}
        onConfirm={() => retiring && retire.mutate(retiring)}
      />
    </>
  );
}
