'use client';

import dynamic from 'next/dynamic';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Ban, CheckCircle2, Plus, UserCog } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { RowMenu } from '@/components/settings/row-menu';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import { describeError } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths, type StaffMember, useStaff } from '@/lib/org-api';

// Form dialog loaded on demand: react-hook-form and the schemas stay out of the first load.
const NewStaffDialog = dynamic(() => import('./staff-form-dialog').then((m) => m.NewStaffDialog), {
  ssr: false,
});

export default function StaffSettingsPage() {
  const t = useTranslations('settings.staff');
  const tn = useTranslations('nav');
  const locale = useLocale();
  const { user } = useAuth();
  const { lanCenters } = useLanCenter();
  const staff = useStaff();
  const qc = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<StaffMember | null>(null);

  const toggle = useMutation({
    mutationFn: (m: StaffMember) =>
      api(paths.staffMember(m.id), { method: 'PATCH', body: { disabled: !m.disabled } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.staff });
      setToggling(null);
    },
    onError: (e) => {
      const d = describeError(e, locale);
      toast({ tone: 'error', title: d.message, ...(d.code ? { code: d.code } : {}) });
    },
  });
  const lanName = new Map(lanCenters.map((l) => [l.id, l.name]));
  const list = staff.data ?? [];

  return (
    <>
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm text-muted-foreground">{t('subtitle')}</p>
        <Button onClick={() => setCreating(true)}>
          <Plus aria-hidden />
          {t('new')}
        </Button>
      </div>
      <ErrorAlert error={staff.error} onRetry={() => void staff.refetch()} />
      {staff.isPending ? (
        <Skeleton className="h-48" />
      ) : staff.error ? null : list.length === 0 ? (
        <EmptyState icon={UserCog} title={t('empty')} description={t('emptyHint')} />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t('name')}</TH>
              <TH>{t('username')}</TH>
              <TH>{t('role')}</TH>
              <TH>{t('lanCenters')}</TH>
              <TH>{t('state')}</TH>
              <TH className="w-12">
                <span className="sr-only">{t('actions')}</span>
              </TH>
            </TR>
          </THead>
          <TBody>
            {list.map((m) => (
              <TR key={m.id} className={m.disabled ? 'opacity-60' : undefined}>
                <TD className="font-medium">
                  {m.name}
                  {m.email && (
                    <span className="block text-xs font-normal text-muted-foreground">{m.email}</span>
                  )}
                </TD>
                <TD className="font-mono text-sm">{m.username ?? '—'}</TD>
                <TD>
                  <Badge variant={m.role === 'MANAGER' ? 'default' : 'neutral'}>{tn(`role.${m.role}`)}</Badge>
                </TD>
                <TD className="text-sm text-muted-foreground">
                  {m.lanCenterIds.map((id) => lanName.get(id) ?? '—').join(', ')}
                </TD>
                <TD>
                  {m.disabled ? (
                    <Badge variant="danger">{t('disabled')}</Badge>
                  ) : (
                    <Badge variant="success">{t('active')}</Badge>
                  )}
                </TD>
                <TD>
                  {m.id !== user?.id && (
                    <RowMenu
                      label={m.name}
                      items={[
                        m.disabled
                          ? {
                              key: 'enable',
                              label: t('enable'),
                              icon: <CheckCircle2 aria-hidden />,
                              onSelect: () => toggle.mutate(m),
                            }
                          : {
                              key: 'disable',
                              label: t('disable'),
                              icon: <Ban aria-hidden />,
                              destructive: true,
                              onSelect: () => setToggling(m),
                            },
                      ]}
                    />
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <NewStaffDialog open={creating} onOpenChange={setCreating} />
      <ConfirmDialog
        open={!!toggling}
        onOpenChange={(o) => !o && setToggling(null)}
        title={t('disableTitle', { name: toggling?.name ?? '' })}
        description={t('disableHint')}
        confirmLabel={t('disable')}
        loading={toggle.isPending}
        onConfirm={() => toggling && toggle.mutate(toggling)}
      />
    </>
  );
}
