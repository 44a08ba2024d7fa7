'use client';

import { createCustomerSchema, type Customer } from '@econtrol/contracts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { Search, UserPlus, Users } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '@/components/error-alert';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatMoney } from '@/lib/format';
import { applyApiFieldErrors, useFieldErrorText } from '@/lib/forms';
import { useLanCenter } from '@/lib/lan-center';
import { customerHref } from '@/lib/nav';
import { paths, useCustomers } from '@/lib/org-api';

type Values = z.input<typeof createCustomerSchema>;
type Output = z.output<typeof createCustomerSchema>;

export function CustomerDialog({
  open,
  onOpenChange,
  customer,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  /** Edit this customer; create a new one when absent. */
  customer?: Customer;
  onCreated?: (c: Customer) => void;
}) {
  const t = useTranslations('customers');
  const tc = useTranslations('common');
  const locale = useLocale();
  const qc = useQueryClient();
  const toast = useToast();
  const errText = useFieldErrorText();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values, unknown, Output>({
    resolver: zodResolver(createCustomerSchema),
    defaultValues: { name: '' },
  });
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.reset(
      customer
        ? {
            name: customer.name,
            phone: customer.phone ?? undefined,
            documentId: customer.documentId ?? undefined,
            username: customer.username ?? undefined,
            email: customer.email ?? undefined,
          }
        : { name: '' },
    );
  }, [open, customer, form]);
  const { errors, isSubmitting } = form.formState;
  const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      if (customer) {
        await api(paths.customer(customer.id), { method: 'PATCH', body: values });
        toast({ tone: 'success', title: tc('saved') });
      } else {
        const created = await api<Customer>(paths.customers(), { method: 'POST', body: values });
        toast({ tone: 'success', title: t('created', { name: values.name }) });
        onCreated?.(created);
      }
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['customers'] }),
        qc.invalidateQueries({ queryKey: ['customer'] }),
      ]);
      onOpenChange(false);
    } catch (e) {
      if (
        !applyApiFieldErrors(
          e,
          form.setError,
          ['name', 'username', 'email', 'phone', 'documentId', 'password'],
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
      title={customer ? t('edit') : t('new')}
      dismissible={!isSubmitting}
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={isSubmitting}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="new-customer" loading={isSubmitting}>
            {customer ? tc('save') : tc('create')}
          </Button>
        </>
      }
    >
      <form
        id="new-customer"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        className="grid gap-4 sm:grid-cols-2"
      >
        <ErrorAlert error={error} className="sm:col-span-2" />
        <Field label={t('name')} error={errText(errors.name)} required className="sm:col-span-2">
          <Input autoFocus {...form.register('name')} />
        </Field>
        <Field label={t('phone')} error={errText(errors.phone)}>
          <Input type="tel" {...form.register('phone', { setValueAs: emptyToUndefined })} />
        </Field>
        <Field label={t('documentId')} error={errText(errors.documentId)}>
          <Input {...form.register('documentId', { setValueAs: emptyToUndefined })} />
        </Field>
        <Field label={t('username')} error={errText(errors.username)}>
          <Input autoCapitalize="none" {...form.register('username', { setValueAs: emptyToUndefined })} />
        </Field>
        <Field label={t('email')} error={errText(errors.email)}>
          <Input type="email" {...form.register('email', { setValueAs: emptyToUndefined })} />
        </Field>
        <Field
          label={t('password')}
          hint={t('passwordHint')}
          error={errText(errors.password)}
          className="sm:col-span-2"
        >
          <Input
            type="password"
            autoComplete="new-password"
            {...form.register('password', { setValueAs: emptyToUndefined })}
          />
        </Field>
      </form>
    </Dialog>
  );
}

export function CustomersView() {
  const t = useTranslations('customers');
  const locale = useLocale();
  const { currency } = useLanCenter();
  const [q, setQ] = useState('');
  const deferred = useDeferredValue(q.trim());
  const customers = useCustomers(deferred);
  const [creating, setCreating] = useState(false);
  const router = useRouter();
  const list = customers.data ?? [];

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('subtitle')}
        actions={
          <Button onClick={() => setCreating(true)}>
            <UserPlus aria-hidden />
            {t('new')}
          </Button>
        }
      />
      <div className="relative max-w-md">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('searchPlaceholder')}
          aria-label={t('searchPlaceholder')}
          className="pl-9"
        />
      </div>
      <ErrorAlert error={customers.error} onRetry={() => void customers.refetch()} />
      {customers.isPending ? (
        <div className="space-y-2" aria-hidden>
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-11" />
          ))}
        </div>
      ) : customers.error ? null : list.length === 0 ? (
        <EmptyState
          icon={Users}
          title={deferred ? t('noResults', { q: deferred }) : t('empty')}
          description={deferred ? undefined : t('emptyHint')}
          action={
            <Button variant="outline" onClick={() => setCreating(true)}>
              <UserPlus aria-hidden />
              {t('new')}
            </Button>
          }
        />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t('name')}</TH>
              <TH>{t('username')}</TH>
              <TH>{t('phone')}</TH>
              <TH>{t('tier')}</TH>
              <TH className="text-right">{t('points')}</TH>
              <TH className="text-right">{t('balance')}</TH>
            </TR>
          </THead>
          <TBody>
            {list.map((c) => (
              <TR key={c.id}>
                <TD className="font-medium">
                  <Link href={customerHref(c.id)} className="hover:text-primary hover:underline">
                    {c.name}
                  </Link>
                </TD>
                <TD className="text-muted-foreground">{c.username ?? '—'}</TD>
                <TD className="text-muted-foreground">{c.phone ?? '—'}</TD>
                <TD>
                  <Badge variant="neutral">{t(`tiers.${c.membershipTier}`)}</Badge>
                </TD>
                <TD className="tabular text-right">{c.loyaltyPoints}</TD>
                <TD className="tabular text-right font-medium">
                  {formatMoney(c.balanceMinor, currency, locale)}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <CustomerDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(c) => router.push(customerHref(c.id))}
      />
    </>
  );
}
