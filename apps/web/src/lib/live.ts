'use client';

import { CONSOLE_SOCKET_NAMESPACE, type Pc } from '@econtrol/contracts';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { refreshSession } from './api';
import { SOCKET_ORIGIN } from './config';
import { moneyKeys } from './money-api';
import { keys } from './org-api';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/** Server clock minus browser clock (from the subscribe ack), so local ticking uses server time. */
let serverOffsetMs = 0;
export const serverNow = (): number => Date.now() + serverOffsetMs;

type SubscribeAck = { ok: true; serverNowMs: number } | { ok: false; code: string };

/** Puts one PC (a full `Pc` from `pc.updated`) into the floor's cached list. */
export function applyPcUpdate(qc: QueryClient, lanCenterId: string, pc: Pc): void {
  if (pc.lanCenterId !== lanCenterId) return;
  qc.setQueryData<Pc[]>(keys.pcs(lanCenterId), (list) => {
    if (!list) return list;
    const i = list.findIndex((p) => p.id === pc.id);
    if (i === -1) return [...list, pc];
    const next = list.slice();
    next[i] = pc;
    return next;
  });
}

/**
 * Live floor over the `/console` Socket.IO namespace (packages/contracts console-events.ts):
 * same origin, session cookie (withCredentials), msgpack parser. On every (re)connect it
 * subscribes to the LAN center (`floor.subscribe`, acknowledged) and refetches the PC list once,
 * so nothing missed while disconnected is lost; afterwards `pc.updated` / `pc.removed` are
 * written straight into the TanStack Query cache. No polling.
 */
export function useLiveFloor(lanCenterId: string | undefined, enabled = true): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    if (!lanCenterId || !enabled) return;
    let socket: Socket | null = null;
    let cancelled = false;
    let authRetries = 0;
    const key = keys.pcs(lanCenterId);
    setStatus('connecting');

    const subscribe = (s: Socket) => {
      const sentAt = Date.now();
      s.timeout(10_000).emit(
        'floor.subscribe',
        { lanCenterId },
        (err: Error | null, ack: SubscribeAck | undefined) => {
          if (cancelled) return;
          if (err || !ack?.ok) {
            setStatus('offline');
            // Retry the subscription on a fresh connection (the server may be restarting).
            if (err) s.disconnect().connect();
            return;
          }
          authRetries = 0;
          const receivedAt = Date.now();
          serverOffsetMs = ack.serverNowMs - (sentAt + receivedAt) / 2;
          setStatus('live');
          // Catch up with whatever changed while we were not subscribed.
          void qc.invalidateQueries({ queryKey: key });
        },
      );
    };

    void (async () => {
      // Loaded lazily: keeps socket.io out of the first-load bundle of every page.
      const [{ io }, parser] = await Promise.all([
        import('socket.io-client'),
        import('socket.io-msgpack-parser'),
      ]);
      if (cancelled) return;
      const s = io(`${SOCKET_ORIGIN ?? ''}${CONSOLE_SOCKET_NAMESPACE}`, {
        path: '/socket.io',
        withCredentials: true,
        parser,
        transports: ['websocket', 'polling'],
        reconnectionDelayMax: 10_000,
      });
      socket = s;
      s.on('connect', () => subscribe(s));
      s.on('disconnect', () => !cancelled && setStatus('offline'));
      s.on('connect_error', () => {
        if (cancelled) return;
        setStatus('offline');
        // Rejected by the namespace middleware (expired access cookie): Socket.IO does not retry
        // those by itself. Refresh the session like the REST client does, then reconnect.
        if (!s.active && authRetries < 3) {
          authRetries++;
          void refreshSession().then((ok) => {
            if (!cancelled && ok) s.connect();
          });
        }
      });
      s.on('pc.updated', (pc: Pc) => applyPcUpdate(qc, lanCenterId, pc));
      s.on('pc.removed', ({ id }: { id: string }) => {
        qc.setQueryData<Pc[]>(key, (list) => list?.filter((p) => p.id !== id));
      });
      s.on('balance.changed', ({ customerId }: { customerId: string; balanceMinor: number }) => {
        void qc.invalidateQueries({ queryKey: moneyKeys.account(customerId) });
        void qc.invalidateQueries({ queryKey: moneyKeys.customer(customerId) });
      });
    })();

    return () => {
      cancelled = true;
      socket?.disconnect();
    };
  }, [lanCenterId, enabled, qc]);

  return status;
}
