'use client';

import { type Pc, type PcStatus, pcStatuses } from '@econtrol/contracts';
import { MonitorOff, Radio, Settings } from 'lucide-react';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { PcDialog } from '@/components/floor/pc-dialog';
import { PcTile } from '@/components/floor/pc-tile';
import { statusStyle } from '@/components/floor/status';
import { PageHeader } from '@/components/shell/page-header';
import { buttonVariants } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { isManager, useAuth } from '@/lib/auth';
import { useLanCenter } from '@/lib/lan-center';
import { serverNow, useLiveFloor } from '@/lib/live';
import { routes } from '@/lib/nav';
import { usePcs, useZones } from '@/lib/org-api';
import { cn } from '@/lib/utils';

/** Shared clock for the running tiles (server-corrected): time and cost tick between events. */
function useTicker(periodMs: number): number {
  const [now, setNow] = useState(() => serverNow());
  useEffect(() => {
    const id = window.setInterval(() => setNow(serverNow()), periodMs);
    return () => window.clearInterval(id);
  }, [periodMs]);
  return now;
}

function FloorSkeleton() {
  return (
    <div className="space-y-6" aria-hidden>
      {[0, 1].map((z) => (
        <div key={z} className="space-y-3">
          <Skeleton className="h-5 w-40" />
          <div className="grid grid-cols-[repeat(auto-fill,minmax(150px,1fr))] gap-3">
            {Array.from({ length: 8 }, (_, i) => (
              <Skeleton key={i} className="h-[112px]" />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

export function FloorView() {
  const t = useTranslations('floor');
  const { user } = useAuth();
  const { currentId, current, currency } = useLanCenter();
  const zones = useZones(currentId);
  const pcs = usePcs(currentId);
  const live = useLiveFloor(currentId);
  const now = useTicker(1_000);
  const locale = useLocale();
  const [filter, setFilter] = useState<PcStatus | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const onOpen = useCallback((pc: Pc) => setOpenId(pc.id), []);

  const counts = useMemo(() => {
    const c = Object.fromEntries(pcStatuses.map((s) => [s, 0])) as Record<PcStatus, number>;
    for (const pc of pcs.data ?? []) c[pc.status]++;
    return c;
  }, [pcs.data]);

  const groups = useMemo(() => {
    const list = (pcs.data ?? []).filter((p) => !filter || p.status === filter);
    const byZone = new Map<string, Pc[]>();
    for (const pc of list) byZone.set(pc.zoneId, [...(byZone.get(pc.zoneId) ?? []), pc]);
    const collator = new Intl.Collator(undefined, { numeric: true });
    const ordered = [...(zones.data ?? [])].sort(
      (a, b) => a.position - b.position || collator.compare(a.name, b.name),
    );
    const out = ordered.map((z) => ({
      zone: z,
      pcs: (byZone.get(z.id) ?? []).sort((a, b) => collator.compare(a.name, b.name)),
    }));
    const known = new Set(ordered.map((z) => z.id));
    const orphans = [...byZone.entries()].filter(([id]) => !known.has(id)).flatMap(([, v]) => v);
    if (orphans.length)
      out.push({
        zone: { id: '_', name: t('otherZone'), color: null, position: 1e9 } as (typeof ordered)[number],
        pcs: orphans,
      });
    return out.filter((g) => g.pcs.length > 0 || !filter);
  }, [pcs.data, zones.data, filter, t]);

  const openPc = pcs.data?.find((p) => p.id === openId) ?? null;
  const openZone = zones.data?.find((z) => z.id === openPc?.zoneId)?.name ?? '';
  const loading = !currentId || zones.isPending || pcs.isPending;
  const error = zones.error ?? pcs.error;
  const total = pcs.data?.length ?? 0;

  return (
    <>
      <PageHeader
        title={t('title')}
        description={current ? t('subtitle', { name: current.name, count: total }) : undefined}
        actions={
          <span
            className={cn(
              'inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs font-medium',
              live === 'live'
                ? 'border-emerald-200 bg-emerald-50 text-emerald-800'
                : 'border-amber-200 bg-amber-50 text-amber-900',
            )}
            role="status"
          >
            <Radio className={cn('size-3.5', live === 'live' && 'animate-pulse')} aria-hidden />
            {live === 'live' ? t('live') : live === 'connecting' ? t('connecting') : t('reconnecting')}
          </span>
        }
      />

      {total > 0 && (
        <div role="group" aria-label={t('legend')} className="flex flex-wrap gap-2">
          {pcStatuses.map((s) => {
            const st = statusStyle[s];
            const active = filter === s;
            return (
              <button
                key={s}
                type="button"
                aria-pressed={active}
                onClick={() => setFilter(active ? null : s)}
                className={cn(
                  'inline-flex items-center gap-2 rounded-full border px-3 py-1 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-ring',
                  active ? st.ring : 'border-border bg-surface text-foreground hover:bg-muted',
                )}
              >
                <span className={cn('size-2 rounded-full', st.dot)} aria-hidden />
                {t(`status.${s}`)}
                <span className="tabular text-muted-foreground">{counts[s]}</span>
              </button>
            );
          })}
        </div>
      )}

      <ErrorAlert error={error} onRetry={() => void Promise.all([zones.refetch(), pcs.refetch()])} />

      {loading && !error ? (
        <FloorSkeleton />
      ) : !error && total === 0 ? (
        <EmptyState
          icon={MonitorOff}
          title={t('empty')}
          description={isManager(user) ? t('emptyHintManager') : t('emptyHintCashier')}
          action={
            isManager(user) ? (
              <Link href={routes.settingsPcs} className={buttonVariants({ variant: 'default' })}>
                <Settings aria-hidden />
                {t('goSettings')}
              </Link>
            ) : undefined
          }
        />
      ) : (
        <div className="space-y-6">
          {groups.map(({ zone, pcs: list }) => (
            <section key={zone.id} aria-labelledby={`zone-${zone.id}`} className="space-y-3">
              <h2
                id={`zone-${zone.id}`}
                className="flex items-center gap-2 text-sm font-semibold text-foreground"
              >
                <span
                  className="size-2.5 rounded-sm"
                  style={{ background: zone.color ?? '#94a3b8' }}
                  aria-hidden
                />
                {zone.name}
                <span className="font-normal text-muted-foreground">
                  · {t('pcCount', { count: list.length })}
                </span>
              </h2>
              {list.length === 0 ? (
                <p className="rounded-lg border border-dashed border-border px-4 py-3 text-sm text-muted-foreground">
                  {t('zoneEmpty')}
                </p>
              ) : (
                <div className="grid grid-cols-[repeat(auto-fill,minmax(150px,1fr))] gap-3">
                  {list.map((pc) => (
                    <PcTile
                      key={pc.id}
                      pc={pc}
                      now={pc.session ? now : 0}
                      currency={currency}
                      locale={locale}
                      onOpen={onOpen}
                    />
                  ))}
                </div>
              )}
            </section>
          ))}
        </div>
      )}

      <PcDialog pc={openPc} zoneName={openZone} onClose={() => setOpenId(null)} />
    </>
  );
}
