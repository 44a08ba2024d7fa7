'use client';

import { createStaffSchema, staffRoles } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Ban, CheckCircle2, Plus, UserCog } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { RowMenu } from '@/components/settings/row-menu';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import { applyApiFieldErrors, describeError, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { keys, paths, type StaffMember, useStaff } from '@/lib/org-api';

const formSchema = createStaffSchema.omit({ locale: true });
type Values = z.input<typeof formSchema>;
type Output = z.output<typeof formSchema>;

function NewStaffDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
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
