'use client';

import { type Pc } from '@econtrol/contracts';
import { Lock, MessageSquare, Pause, Play, Plus, Power, RotateCcw, Square, Unlock } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatWhen, formatDuration } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { cn } from '@/lib/utils';
import { statusStyle } from './status';

/**
 * PC detail and actions. The session/command endpoints are not in the contracts yet, so the
 * action buttons are shown (to settle the layout) but disabled.
 */
export function PcDialog({
  pc,
  zoneName,
  onClose,
}: {
  pc: Pc | null;
  zoneName: string;
  onClose: () => void;
}) {
  const t = useTranslations('floor');
  const locale = useLocale();
  const { timeZone } = useLanCenter();
  const s = pc ? statusStyle[pc.status] : null;
  const busy = !!pc?.session;

  const actions = [
    { key: 'start', icon: Play, show: !busy },
    { key: 'extend', icon: Plus, show: busy },
    { key: 'pause', icon: Pause, show: busy },
    { key: 'end', icon: Square, show: busy },
    { key: 'lock', icon: Lock, show: true },
    { key: 'unlock', icon: Unlock, show: true },
    { key: 'message', icon: MessageSquare, show: true },
    { key: 'restart', icon: RotateCcw, show: true },
    { key: 'shutdown', icon: Power, show: true },
  ] as const;

  return (
    <Dialog
      open={!!pc}
      onOpenChange={(o) => !o && onClose()}
      title={
        pc && (
          <span className="flex items-center gap-3">
            <span className="font-mono">{pc.name}</span>
            {s && (
              <span className={cn('rounded-full border px-2 py-0.5 text-xs font-medium', s.ring)}>
                {t(`status.${pc.status}`)}
              </span>
            )}
          </span>
        )
      }
      description={zoneName}
    >
      {pc && (
        <div className="space-y-5">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm">
            <div>
              <dt className="text-xs text-muted-foreground">{t('customer')}</dt>
              <dd className="font-medium">{pc.session ? (pc.session.customerName ?? t('guest')) : '—'}</dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">{t('startedAt')}</dt>
              <dd className="tabular font-medium">
                {pc.session?.startedAt ? formatWhen(pc.session.startedAt, locale, timeZone) : '—'}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">{t('timeUsed')}</dt>
              <dd className="tabular font-medium">
                {pc.session?.startedAt
                  ? formatDuration((Date.now() - Date.parse(pc.session.startedAt)) / 60_000)
                  : '—'}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">{t('lastSeen')}</dt>
              <dd className="tabular font-medium">
                {pc.lastHeartbeatAt ? formatWhen(pc.lastHeartbeatAt, locale, timeZone) : '—'}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">{t('agent')}</dt>
              <dd className="font-medium">
                {pc.enrolled ? (pc.agentVersion ?? '—') : <Badge variant="warning">{t('notEnrolled')}</Badge>}
              </dd>
            </div>
            {pc.session?.needsReconciliation && (
              <div className="col-span-2">
                <Badge variant="warning">{t('unreconciled')}</Badge>
              </div>
            )}
          </dl>
          <div className="space-y-2">
            <div className="grid grid-cols-3 gap-2">
              {actions
                .filter((a) => a.show)
                .map((a) => (
                  <Button key={a.key} variant="outline" disabled className="justify-start">
                    <a.icon aria-hidden />
                    {t(`action.${a.key}`)}
                  </Button>
                ))}
            </div>
            <p className="text-xs text-muted-foreground">{t('actionsSoon')}</p>
          </div>
        </div>
      )}
    </Dialog>
  );
}
