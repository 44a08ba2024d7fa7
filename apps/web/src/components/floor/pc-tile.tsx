'use client';

import { type Locale, type Pc } from '@econtrol/contracts';
import { Clock, Hourglass, Monitor, Pause, TriangleAlert, User, WifiOff, Wrench } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { memo } from 'react';
import { formatDuration, formatMoney } from '@/lib/format';
import { cn } from '@/lib/utils';
import { minutesLeft, minutesUsed, runningCost } from './session-clock';
import { statusStyle } from './status';

/**
 * One PC on the floor. `now` is the shared (server-corrected) clock; tiles without a session get
 * a constant so only running tiles re-render when it ticks.
 */
export const PcTile = memo(function PcTile({
  pc,
  now,
  currency,
  locale,
  onOpen,
}: {
  pc: Pc;
  now: number;
  currency: string;
  locale: Locale;
  onOpen: (pc: Pc) => void;
}) {
  const t = useTranslations('floor');
  const s = statusStyle[pc.status];
  const session = pc.session;
  const used = session ? minutesUsed(session, now) : null;
  const left = session ? minutesLeft(session, now) : null;
  const cost = session ? runningCost(session, now) : null;
  const customer = session ? (session.customerName ?? t('guest')) : null;
  const paused = session?.status === 'PAUSED';
  const unreconciled = !!session?.needsReconciliation;
  const lowTime = left !== null && left < 10;

  const label = [
    pc.name,
    t(`status.${pc.status}`),
    customer,
    paused ? t('paused') : null,
    unreconciled ? t('unreconciled') : null,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <button
      type="button"
      onClick={() => onOpen(pc)}
      data-pc-id={pc.id}
      data-status={pc.status}
      aria-label={label}
      className={cn(
        'group flex h-[112px] flex-col justify-between rounded-lg border border-t-4 border-border bg-surface px-3 py-2 text-left shadow-xs transition hover:-translate-y-px hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
        s.tile,
        pc.status === 'OFFLINE' && 'bg-slate-50 text-muted-foreground',
        unreconciled && 'ring-2 ring-amber-400',
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="font-mono text-sm font-semibold text-foreground">{pc.name}</span>
        <span className="flex items-center gap-1">
          {unreconciled && (
            <span title={t('unreconciled')}>
              <TriangleAlert className="size-4 text-amber-600" aria-hidden />
            </span>
          )}
          {paused && <Pause className="size-4 text-amber-600" aria-hidden />}
          {pc.status === 'OFFLINE' && <WifiOff className="size-4 text-rose-600" aria-hidden />}
          {pc.status === 'MAINTENANCE' && <Wrench className="size-4 text-slate-500" aria-hidden />}
        </span>
      </div>

      {customer ? (
        <p className="flex min-w-0 items-center gap-1.5 text-xs text-foreground" data-testid="tile-customer">
          <User className="size-3 shrink-0 text-muted-foreground" aria-hidden />
          <span className="truncate font-medium">{customer}</span>
        </p>
      ) : !pc.enrolled && pc.requiresAgent ? (
        <p className="flex items-center gap-1.5 text-xs text-amber-700">
          <Monitor className="size-3 shrink-0" aria-hidden />
          {t('notEnrolled')}
        </p>
      ) : (
        <p className="h-4" aria-hidden />
      )}

      <div className="flex items-center justify-between gap-2">
        <span className={cn('flex items-center gap-1.5 text-xs font-medium', s.text)}>
          <span className={cn('size-2 rounded-full', s.dot)} aria-hidden />
          {paused ? t('paused') : t(`status.${pc.status}`)}
        </span>
        {cost !== null && (
          <span className="tabular text-xs font-semibold text-foreground" title={t('runningCost')}>
            {formatMoney(cost, currency, locale)}
          </span>
        )}
      </div>

      {session ? (
        <div className="tabular flex items-center justify-between gap-2 text-xs text-muted-foreground">
          <span className="flex items-center gap-1" title={t('timeUsed')}>
            <Clock className="size-3" aria-hidden />
            <span className="sr-only">{t('timeUsed')}</span>
            {used !== null ? formatDuration(used) : '—'}
          </span>
          <span
            className={cn('flex items-center gap-1', lowTime && 'font-semibold text-rose-700')}
            title={t('timeLeft')}
          >
            <Hourglass className="size-3" aria-hidden />
            <span className="sr-only">{t('timeLeft')}</span>
            {left !== null ? formatDuration(left) : t('openEnded')}
          </span>
        </div>
      ) : (
        <p className="h-4" aria-hidden />
      )}
    </button>
  );
});
