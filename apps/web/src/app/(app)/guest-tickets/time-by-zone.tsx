'use client';

import { type GuestTicket } from '@econtrol/contracts';
import { useTranslations } from 'next-intl';
import { formatDuration } from '@/lib/format';
import { cn } from '@/lib/utils';

/** What the ticket's money buys in each zone at the guest rate ("General 2:30 h"). */
export function TimeByZone({ ticket, className }: { ticket: GuestTicket; className?: string }) {
  const t = useTranslations('guestTickets');
  const zones = ticket.timeByZone.filter((z) => z.seconds > 0);
  if (zones.length === 0) return <span className="text-muted-foreground">{t('noTime')}</span>;
  return (
    <ul className={cn('flex flex-wrap gap-x-3 gap-y-0.5', className)}>
      {zones.map((z) => (
        <li key={z.zoneId} className="whitespace-nowrap">
          <span className="text-muted-foreground">{z.zoneName}</span>{' '}
          <span className="tabular font-medium">{t('hours', { time: formatDuration(z.seconds / 60) })}</span>
        </li>
      ))}
    </ul>
  );
}
