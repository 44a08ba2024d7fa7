'use client';

import { type GuestTicket } from '@econtrol/contracts';
import { Landmark, Ticket } from 'lucide-react';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button, buttonVariants } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatMoney, formatWhen } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { type GuestTicketFilter, useCurrentShift, useGuestTickets } from '@/lib/money-api';
import { routes } from '@/lib/nav';
import { CloseTicketDialog } from './close-ticket-dialog';
import { SellTicketDialog } from './sell-ticket-dialog';
import { TimeByZone } from './time-by-zone';

const statusBadge = {
  OPEN: 'success',
  IN_USE: 'info',
  EXPIRED: 'warning',
  CLOSED: 'neutral',
} as const satisfies Record<GuestTicket['status'], string>;

const filters: GuestTicketFilter[] = ['open', 'closed', 'all'];

export function GuestTicketsView() {
  const t = useTranslations('guestTickets');
  const tm = useTranslations('money');
  const locale = useLocale();
  const { currentId, currency, timeZone } = useLanCenter();
  const [filter, setFilter] = useState<GuestTicketFilter>('open');
  const tickets = useGuestTickets(currentId, filter);
  const shift = useCurrentShift(currentId);
  const [selling, setSelling] = useState(false);
  const [closing, setClosing] = useState<GuestTicket | null>(null);
  const noShift = shift.isSuccess && !shift.data;
  const list = tickets.data ?? [];
  const money = (minor: number) => formatMoney(minor, currency, locale);

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('subtitle')}
        actions={
          <Button onClick={() => setSelling(true)} disabled={noShift}>
            <Ticket aria-hidden />
            {t('sell')}
          </Button>
        }
      />
      {noShift && (
        <div className="flex items-center gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <Landmark className="size-4 shrink-0" aria-hidden />
          <p className="flex-1">{t('noShift')}</p>
          <Link href={routes.shift} className={buttonVariants({ size: 'sm', variant: 'outline' })}>
            {t('goShift')}
          </Link>
        </div>
      )}
      <div className="flex items-center gap-2">
        <label htmlFor="ticket-filter" className="text-sm text-muted-foreground">
          {t('filter.label')}
        </label>
        <div className="w-40">
          <Select id="ticket-filter" value={filter} onChange={(e) => setFilter(e.target.value as GuestTicketFilter)}>
            {filters.map((f) => (
              <option key={f} value={f}>
                {t(`filter.${f}`)}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />
      {tickets.isPending ? (
        <div className="space-y-2" aria-hidden>
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-11" />
          ))}
        </div>
      ) : tickets.error ? null : list.length === 0 ? (
        <EmptyState
          icon={Ticket}
          title={filter === 'open' ? t('empty') : t('emptyOther')}
          description={filter === 'open' ? t('emptyHint') : undefined}
          action={
            filter === 'open' && !noShift ? (
              <Button variant="outline" onClick={() => setSelling(true)}>
                <Ticket aria-hidden />
                {t('sell')}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t('ticket')}</TH>
              <TH className="text-right">{t('soldCol')}</TH>
              <TH className="text-right">{t('balance')}</TH>
              <TH>{t('time')}</TH>
              <TH>{t('expiresCol')}</TH>
              <TH>{t('status')}</TH>
              <TH className="text-right">
                <span className="sr-only">{t('close')}</span>
              </TH>
            </TR>
          </THead>
          <TBody>
            {list.map((ticket) => (
              <TR key={ticket.id} data-ticket-id={ticket.id}>
                <TD className="font-medium">{ticket.name}</TD>
                <TD className="tabular text-right">
                  {money(ticket.soldMinor)}
                  <span className="block text-xs text-muted-foreground">{tm(`methods.${ticket.paymentMethod}`)}</span>
                </TD>
                <TD className="tabular text-right font-semibold">{money(ticket.availableMinor)}</TD>
                <TD className="text-sm">
                  {ticket.status === 'CLOSED' ? '—' : <TimeByZone ticket={ticket} />}
                </TD>
                <TD className="tabular text-sm whitespace-nowrap">
                  {formatWhen(ticket.expiresAt, locale, timeZone)}
                </TD>
                <TD>
                  <Badge variant={statusBadge[ticket.status]}>{t(`statuses.${ticket.status}`)}</Badge>
                </TD>
                <TD className="text-right">
                  {ticket.status !== 'CLOSED' && (
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={ticket.status === 'IN_USE'}
                      title={ticket.status === 'IN_USE' ? t('inUse') : undefined}
                      onClick={() => setClosing(ticket)}
                    >
                      {t('close')}
                    </Button>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <SellTicketDialog open={selling} onOpenChange={setSelling} />
      <CloseTicketDialog ticket={closing} onClose={() => setClosing(null)} />
    </>
  );
}
