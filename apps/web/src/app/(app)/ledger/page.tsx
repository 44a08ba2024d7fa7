'use client';

import { type TransactionType, transactionTypes } from '@econtrol/contracts';
import { useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { TransactionTable } from '@/components/money/transaction-table';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { addDays, zonedDayStart } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { type LedgerFilters } from '@/lib/money-api';

export default function LedgerPage() {
  const t = useTranslations('ledger');
  const tm = useTranslations('money');
  const { currentId, timeZone } = useLanCenter();
  const [type, setType] = useState<TransactionType | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const filters = useMemo<LedgerFilters>(
    () => ({
      lanCenterId: currentId,
      type: type || undefined,
      from: from ? zonedDayStart(from, timeZone) : undefined,
      // "to" is inclusive for the user: up to the start of the next local day.
      to: to ? zonedDayStart(addDays(to, 1), timeZone) : undefined,
    }),
    [currentId, type, from, to, timeZone],
  );

  return (
    <>
      <PageHeader title={t('title')} description={t('subtitle')} />
      <div role="search" className="flex flex-wrap items-end gap-3">
        <div className="w-56 space-y-1.5">
          <Label htmlFor="f-type">{t('type')}</Label>
          <Select id="f-type" value={type} onChange={(e) => setType(e.target.value as TransactionType | '')}>
            <option value="">{t('allTypes')}</option>
            {transactionTypes.map((ty) => (
              <option key={ty} value={ty}>
                {tm(`types.${ty}`)}
              </option>
            ))}
          </Select>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="f-from">{t('from')}</Label>
          <Input id="f-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="f-to">{t('to')}</Label>
          <Input id="f-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        {(type || from || to) && (
          <Button
            variant="ghost"
            onClick={() => {
              setType('');
              setFrom('');
              setTo('');
            }}
          >
            {t('clear')}
          </Button>
        )}
      </div>
      {currentId && <TransactionTable filters={filters} />}
    </>
  );
}
