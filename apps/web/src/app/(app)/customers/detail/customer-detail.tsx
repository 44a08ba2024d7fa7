'use client';

import dynamic from 'next/dynamic';
import { ArrowLeft, Pencil, Wallet } from 'lucide-react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { RechargeDialog } from '@/components/money/recharge-dialog';
import { TransactionTable } from '@/components/money/transaction-table';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { formatMoney, formatDateTime } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { useAccount, useCustomer } from '@/lib/money-api';
import { routes } from '@/lib/nav';

// The edit form (react-hook-form, schemas, the list page's module) loads on demand.
const CustomerDialog = dynamic(() => import('../customers-view').then((m) => m.CustomerDialog), {
  ssr: false,
});

function Stat({ label, value, strong }: { label: string; value: React.ReactNode; strong?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className={strong ? 'tabular text-2xl font-semibold' : 'tabular text-sm font-medium'}>{value}</dd>
    </div>
  );
}

export function CustomerDetail() {
  const id = useSearchParams().get('id');
  const t = useTranslations('customers');
  const tm = useTranslations('money');
  const locale = useLocale();
  const { currency, timeZone } = useLanCenter();
  const customer = useCustomer(id);
  const account = useAccount(id);
  const [recharging, setRecharging] = useState(false);
  const [editing, setEditing] = useState(false);
  const c = customer.data;
  const money = (m: number) => formatMoney(m, currency, locale);

  return (
    <>
      <Link
        href={routes.customers}
        className="inline-flex items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden />
        {t('title')}
      </Link>
      {customer.isPending && id ? (
        <Skeleton className="h-40" />
      ) : !c ? (
        <ErrorAlert error={customer.error ?? new Error('missing id')} />
      ) : (
        <>
          <PageHeader
            title={
              <span className="flex items-center gap-3">
                {c.name}
                <Badge variant="neutral">{t(`tiers.${c.membershipTier}`)}</Badge>
              </span>
            }
            description={[c.username && `@${c.username}`, c.phone, c.documentId].filter(Boolean).join(' · ')}
            actions={
              <>
                <Button variant="outline" onClick={() => setEditing(true)}>
                  <Pencil aria-hidden />
                  {t('edit')}
                </Button>
                <Button onClick={() => setRecharging(true)}>
                  <Wallet aria-hidden />
                  {tm('recharge')}
                </Button>
              </>
            }
          />
          <div className="grid gap-4 md:grid-cols-3">
            <Card className="md:col-span-2">
              <CardHeader>
                <CardTitle>{t('balance')}</CardTitle>
              </CardHeader>
              <CardContent>
                <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="account">
                  <Stat
                    label={t('balance')}
                    value={money(account.data?.balanceMinor ?? c.balanceMinor)}
                    strong
                  />
                  <Stat
                    label={tm('available')}
                    value={account.data ? money(account.data.availableMinor) : '—'}
                  />
                  <Stat
                    label={tm('runningCost')}
                    value={account.data ? money(account.data.runningCostMinor) : '—'}
                  />
                  <Stat
                    label={tm('creditLimit')}
                    value={account.data ? money(account.data.creditLimitMinor) : '—'}
                  />
                </dl>
                {account.data && account.data.packages.length > 0 && (
                  <ul className="mt-4 space-y-1 text-sm">
                    {account.data.packages.map((p) => (
                      <li key={p.id} className="flex justify-between">
                        <span>{p.name}</span>
                        <span className="tabular text-muted-foreground">
                          {Math.floor(p.secondsRemaining / 3600)}:
                          {String(Math.floor((p.secondsRemaining % 3600) / 60)).padStart(2, '0')} h
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>{t('details')}</CardTitle>
              </CardHeader>
              <CardContent>
                <dl className="grid grid-cols-2 gap-3">
                  <Stat label={t('points')} value={c.loyaltyPoints} />
                  <Stat label={t('since')} value={formatDateTime(c.createdAt, locale, timeZone)} />
                  <Stat label={t('email')} value={c.email ?? '—'} />
                  <Stat label={t('phone')} value={c.phone ?? '—'} />
                </dl>
              </CardContent>
            </Card>
          </div>
          <section className="space-y-3">
            <h2 className="text-sm font-semibold">{t('history')}</h2>
            <TransactionTable filters={{ customerId: c.id }} />
          </section>
          <RechargeDialog customer={c} open={recharging} onOpenChange={setRecharging} />
          <CustomerDialog open={editing} onOpenChange={setEditing} customer={c} />
        </>
      )}
    </>
  );
}
