'use client';

import { type LanCenter } from '@econtrol/contracts';
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { useAuth } from './auth';
import { STORAGE_KEYS } from './config';
import { DEFAULT_TIMEZONE, useLocaleSettings } from './i18n';
import { useLanCenters } from './org-api';

interface LanCenterContextValue {
  lanCenters: LanCenter[];
  current: LanCenter | null;
  currentId: string | undefined;
  setCurrentId: (id: string) => void;
  loading: boolean;
  error: unknown;
  currency: string;
  timeZone: string;
}

const Ctx = createContext<LanCenterContextValue | null>(null);

/** The LAN center the console is working on (a manager may run several). */
export function LanCenterProvider({ children }: { children: React.ReactNode }) {
  const { user } = useAuth();
  const { setTimeZone } = useLocaleSettings();
  const query = useLanCenters(!!user);
  // Only affects data that is fetched after hydration, so reading storage here is safe.
  const [chosen, setChosen] = useState<string | null>(() =>
    typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEYS.lanCenter),
  );

  const lanCenters = useMemo(() => {
    const all = query.data ?? [];
    return user && user.role !== 'SUPER_ADMIN' && user.lanCenterIds.length > 0
      ? all.filter((l) => user.lanCenterIds.includes(l.id))
      : all;
  }, [query.data, user]);

  const current = lanCenters.find((l) => l.id === chosen) ?? lanCenters[0] ?? null;
  const timeZone = current?.timezone ?? DEFAULT_TIMEZONE;

  useEffect(() => setTimeZone(timeZone), [timeZone, setTimeZone]);

  const value = useMemo<LanCenterContextValue>(
    () => ({
      lanCenters,
      current,
      currentId: current?.id ?? user?.lanCenterIds[0],
      setCurrentId: (id) => {
        localStorage.setItem(STORAGE_KEYS.lanCenter, id);
        setChosen(id);
      },
      loading: query.isPending,
      error: query.error,
      currency: current?.currency ?? 'PEN',
      timeZone,
    }),
    [lanCenters, current, user, query.isPending, query.error, timeZone],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useLanCenter(): LanCenterContextValue {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useLanCenter outside LanCenterProvider');
  return ctx;
}
