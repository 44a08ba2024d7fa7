'use client';

import { type TransactionDto } from '@econtrol/contracts';
import { ArrowLeftRight } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { ErrorAlert } from '@/components/error-alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatMoney, formatWhen } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { type LedgerFilters, useTransactions } from '@/lib/money-api';
import { cn } from '@/lib/utils';

const typeVariant: Record<string, 'success' | 'info' | 'warning' | 'danger' | 'neutral'> = {
  RECHARGE: 'success',
  SESSION_PAYMENT: 'info',
  STORE_PURCHASE: 'info',
  REFUND: 'warning',
  PENALTY: 'danger',
  LOYALTY_REWARD: 'success',
  ADJUSTMENT: 'neutral',
};

export function TransactionTable({
  filters,
  showCustomer = false,
  customerNames,
}: {
  filters: LedgerFilters;
  showCustomer?: boolean;
  customerNames?: Map<string, string>;
}) {
  const t = useTranslations('money');
  const tl = useTranslations('ledger');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currency, timeZone } = useLanCenter();
  const q = useTransactions(filters);
  const rows: TransactionDto[] = q.data?.pages.flatMap((p) => p.items) ?? [];

  if (q.isPending) return <Skeleton className="h-48" />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  if (rows.length === 0)
    return <EmptyState icon={ArrowLeftRight} title={tl('empty')} description={tl('emptyHint')} />;

  return (
    <div className="space-y-3">
      <Table data-testid="transactions">
        <THead>
          <TR>
            <TH>{tl('when')}</TH>
            <TH>{tl('type')}</TH>
            {showCustomer && <TH>{tl('customer')}</TH>}
            <TH>{t('method')}</TH>
            <TH>{tl('detail')}</TH>
            <TH className="text-right">{tl('amount')}</TH>
            <TH className="text-right">{tl('balanceAfter')}</TH>
          </TR>
        </THead>
        <TBody>
          {rows.map((tx) => (
            <TR key={tx.id}>
              <TD className="tabular whitespace-nowrap text-muted-foreground">
                {formatWhen(tx.createdAt, locale, timeZone)}
              </TD>
              <TD>
                <Badge variant={typeVariant[tx.type] ?? 'neutral'}>{t(`types.${tx.type}`)}</Badge>
              </TD>
              {showCustomer && (
                <TD>{tx.customerId ? (customerNames?.get(tx.customerId) ?? tl('member')) : tl('guest')}</TD>
              )}
              <TD className="text-muted-foreground">{t(`methods.${tx.paymentMethod}`)}</TD>
              <TD className="max-w-64 truncate text-muted-foreground">
                {[tx.reason, tx.reference].filter(Boolean).join(' · ') || '—'}
              </TD>
              <TD
                className={cn(
                  'tabular text-right font-medium',
                  tx.amountMinor < 0 ? 'text-danger' : 'text-emerald-700',
                )}
              >
                {tx.amountMinor > 0 ? '+' : ''}
                {formatMoney(tx.amountMinor, currency, locale)}
              </TD>
              <TD className="tabular text-right text-muted-foreground">
                {tx.balanceAfterMinor === null ? '—' : formatMoney(tx.balanceAfterMinor, currency, locale)}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {q.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
            {tc('loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}
