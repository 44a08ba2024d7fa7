'use client';

import { type Pc, type SessionDto, tenderMethodSchema } from '@econtrol/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Pause, Play, Square, TriangleAlert, WifiOff } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { serverNow } from '@/lib/live';
import { invalidateMoney, newIdempotencyKey } from '@/lib/money-api';
import { paths } from '@/lib/org-api';
import { StartSessionForm } from './start-session';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatDuration, formatMoney, formatWhen } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { cn } from '@/lib/utils';
import { RemoteCommands } from './remote-commands';
import { minutesLeft, minutesUsed, runningCost } from './session-clock';
import { statusStyle } from './status';

/**
 * PC detail and actions: start / pause / resume / end a session through the sessions API, and
 * remote commands to the PC's agent (lock, unlock, message, restart, shutdown).
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
  const tc = useTranslations('common');
  const locale = useLocale();
  const { timeZone } = useLanCenter();
  const tm = useTranslations('money');
  const { currentId, currency } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const [now, setNow] = useState(() => serverNow());
  const [starting, setStarting] = useState(false);
  const [ending, setEnding] = useState(false);
  const [payMethod, setPayMethod] = useState<string>('CASH');
  // Ending a postpaid session takes money: one key per confirmation.
  const [endKey, setEndKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(null);
  const s = pc ? statusStyle[pc.status] : null;
  const busy = !!pc?.session;
  const session = pc?.session ?? null;
  const paused = pc?.session?.status === 'PAUSED';
  const canStart = !!pc && !busy && pc.status !== 'MAINTENANCE' && pc.status !== 'OFFLINE';

  useEffect(() => {
    setStarting(false);
    setEnding(false);
    setError(null);
  }, [pc?.id]);

  const running = !!session;
  useEffect(() => {
    if (!running) return;
    setNow(serverNow());
    const id = window.setInterval(() => setNow(serverNow()), 1_000);
    return () => window.clearInterval(id);
  }, [running]);
  const used = session ? minutesUsed(session, now) : null;
  const left = session ? minutesLeft(session, now) : null;

  const act = useMutation({
    mutationFn: (action: 'end' | 'pause' | 'resume') =>
      api<SessionDto>(paths.sessionAction(pc?.session?.id ?? '', action), {
        method: 'POST',
        ...(action === 'end' ? { idempotencyKey: endKey } : {}),
        body:
          action === 'end'
            ? {
                lanCenterId: currentId,
                ...(session?.kind === 'GUEST_POSTPAID' ? { paymentMethod: payMethod } : {}),
              }
            : {},
      }),
    onMutate: () => setError(null),
    onSuccess: async (res, action) => {
      await invalidateMoney(qc, currentId);
      if (action === 'end') {
        setEnding(false);
        toast({
          tone: 'success',
          title: t('ended', { pc: pc?.name ?? '' }),
          description:
            res?.costMinor !== undefined ? formatMoney(res.costMinor, currency, locale) : undefined,
        });
      }
    },
    onError: (e) => setError(e),
  });

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
              <dd className="tabular font-medium">{used !== null ? formatDuration(used) : '—'}</dd>
            </div>
            <div>
              <dt className="text-xs text-muted-foreground">{t('timeLeft')}</dt>
              <dd className="tabular font-medium">
                {left !== null ? formatDuration(left) : session ? t('openEnded') : '—'}
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
                {!pc.requiresAgent ? (
                  t('agentless')
                ) : pc.enrolled ? (
                  (pc.agentVersion ?? '—')
                ) : (
                  <Badge variant="warning">{t('notEnrolled')}</Badge>
                )}
              </dd>
            </div>
          </dl>
          {pc.status === 'OFFLINE' && (
            <p className="flex items-start gap-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900">
              <WifiOff className="mt-0.5 size-4 shrink-0" aria-hidden />
              {pc.requiresAgent && !pc.enrolled ? t('notEnrolledHint') : t('offlineHint')}
            </p>
          )}
          {session?.needsReconciliation && (
            <p className="flex items-start gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
              <span>
                <strong>{t('unreconciled')}.</strong> {t('unreconciledHint')}
              </span>
            </p>
          )}
          <ErrorAlert error={error} />
          {session && (
            <p className="tabular text-sm">
              {t('runningCost')}:{' '}
              <strong data-testid="running-cost">
                {formatMoney(runningCost(session, now), currency, locale)}
              </strong>
              {session.kind === 'GUEST_POSTPAID' && (
                <Badge variant="info" className="ml-2">
                  {t('postpaid')}
                </Badge>
              )}
            </p>
          )}
          {!busy &&
            (starting ? (
              <StartSessionForm pc={pc} onDone={() => setStarting(false)} />
            ) : (
              <Button className="w-full" onClick={() => setStarting(true)} disabled={!canStart}>
                <Play aria-hidden />
                {t('action.start')}
              </Button>
            ))}
          {busy && !ending && (
            <div className="grid grid-cols-2 gap-2">
              <Button
                variant="outline"
                onClick={() => act.mutate(paused ? 'resume' : 'pause')}
                loading={act.isPending && act.variables !== 'end'}
              >
                {paused ? <Play aria-hidden /> : <Pause aria-hidden />}
                {paused ? t('action.resume') : t('action.pause')}
              </Button>
              <Button
                variant="destructive"
                onClick={() => {
                  setEndKey(newIdempotencyKey());
                  setEnding(true);
                }}
              >
                <Square aria-hidden />
                {t('action.end')}
              </Button>
            </div>
          )}
          {busy && ending && (
            <div className="space-y-3 rounded-lg border border-red-200 bg-red-50/50 p-3">
              <p className="text-sm font-medium">{t('endConfirm', { pc: pc.name })}</p>
              {session?.kind === 'GUEST_POSTPAID' && (
                <label className="flex items-center gap-2 text-sm">
                  {tm('method')}
                  <Select value={payMethod} onChange={(e) => setPayMethod(e.target.value)} className="w-40">
                    {tenderMethodSchema.options.map((m) => (
                      <option key={m} value={m}>
                        {tm(`methods.${m}`)}
                      </option>
                    ))}
                  </Select>
                </label>
              )}
              <div className="flex justify-end gap-2">
                <Button variant="outline" onClick={() => setEnding(false)} disabled={act.isPending}>
                  {tc('cancel')}
                </Button>
                <Button variant="destructive" onClick={() => act.mutate('end')} loading={act.isPending}>
                  {t('action.end')}
                </Button>
              </div>
            </div>
          )}
          <RemoteCommands pc={pc} />
        </div>
      )}
    </Dialog>
  );
}
