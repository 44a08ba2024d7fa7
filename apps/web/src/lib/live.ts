'use client';

import { type Pc } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { SOCKET_ORIGIN } from './config';
import { keys } from './org-api';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/**
 * Proposed console socket protocol (to be confirmed in packages/contracts):
 * - connect to the default namespace with the session cookie (withCredentials);
 * - emit `floor.subscribe` { lanCenterId } with an ack;
 * - server pushes `pc.updated` (a full Pc) whenever status/session of a PC changes and
 *   `pc.removed` { id } when a PC is retired.
 * On every (re)connect the PC list is refetched once, so nothing is missed while offline.
 */
export function useLiveFloor(lanCenterId: string | undefined, enabled = true): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    if (!lanCenterId || !enabled) return;
    let socket: Socket | null = null;
    let cancelled = false;
    const key = keys.pcs(lanCenterId);

    void (async () => {
      // Loaded lazily: keeps socket.io out of the first-load bundle of every other page.
      const [{ io }, parser] = await Promise.all([
        import('socket.io-client'),
        import('socket.io-msgpack-parser'),
      ]);
      if (cancelled) return;
      socket = io(SOCKET_ORIGIN ?? '', {
        path: '/socket.io',
        withCredentials: true,
        parser,
        transports: ['websocket', 'polling'],
        reconnectionDelayMax: 10_000,
      });
      socket.on('connect', () => {
        setStatus('live');
        socket?.emit('floor.subscribe', { lanCenterId });
        void qc.invalidateQueries({ queryKey: key });
      });
      socket.on('disconnect', () => setStatus('offline'));
      socket.on('connect_error', () => setStatus('offline'));
      socket.on('pc.updated', (pc: Pc) => {
        if (pc.lanCenterId !== lanCenterId) return;
        qc.setQueryData<Pc[]>(key, (list) => {
          if (!list) return list;
          const i = list.findIndex((p) => p.id === pc.id);
          if (i === -1) return [...list, pc];
          const next = list.slice();
          next[i] = pc;
          return next;
        });
      });
      socket.on('pc.removed', ({ id }: { id: string }) => {
        qc.setQueryData<Pc[]>(key, (list) => list?.filter((p) => p.id !== id));
      });
    })();

    return () => {
      cancelled = true;
      socket?.disconnect();
    };
  }, [lanCenterId, enabled, qc]);

  return status;
}
