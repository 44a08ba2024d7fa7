'use client';

import { type Pc } from '@econtrol/contracts';
import { Clock, Monitor, TriangleAlert, User, WifiOff, Wrench } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { memo } from 'react';
import { formatDuration } from '@/lib/format';
import { cn } from '@/lib/utils';
import { statusStyle } from './status';

function minutesSince(iso: string | null, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, (now - t) / 60_000);
}

export const PcTile = memo(function PcTile({
  pc,
  now,
  onOpen,
}: {
  pc: Pc;
  now: number;
  onOpen: (pc: Pc) => void;
}) {
  const t = useTranslations('floor');
  const s = statusStyle[pc.status];
  const used = minutesSince(pc.session?.startedAt ?? null, now);
  const customer = pc.session ? (pc.session.customerName ?? t('guest')) : null;

  return (
    <button
      type="button"
      onClick={() => onOpen(pc)}
      data-pc-id={pc.id}
      data-status={pc.status}
      aria-label={`${pc.name}: ${t(`status.${pc.status}`)}${customer ? `, ${customer}` : ''}`}
      className={cn(
        'group flex h-[104px] flex-col justify-between rounded-lg border border-t-4 border-border bg-surface p-3 text-left shadow-xs transition hover:-translate-y-px hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
        s.tile,
        pc.status === 'OFFLINE' && 'bg-slate-50',
      )}
    >
      <div className="flex items-start justify-between gap-2">
        <span className="font-mono text-sm font-semibold text-foreground">{pc.name}</span>
        {pc.session?.needsReconciliation && (
          <TriangleAlert className="size-4 text-amber-600" aria-label={t('unreconciled')} />
        )}
        {pc.status === 'OFFLINE' && <WifiOff className="size-4 text-rose-600" aria-hidden />}
        {pc.status === 'MAINTENANCE' && <Wrench className="size-4 text-slate-500" aria-hidden />}
      </div>
      <div className="min-w-0 space-y-1">
        {customer ? (
          <p className="flex items-center gap-1.5 truncate text-xs text-foreground">
            <User className="size-3 shrink-0 text-muted-foreground" aria-hidden />
            <span className="truncate">{customer}</span>
          </p>
        ) : !pc.enrolled ? (
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
            {t(`status.${pc.status}`)}
          </span>
          {used !== null && (
            <span
              className="tabular flex items-center gap-1 text-xs text-muted-foreground"
              title={t('timeUsed')}
            >
              <Clock className="size-3" aria-hidden />
              {formatDuration(used)}
            </span>
          )}
        </div>
      </div>
    </button>
  );
});
