'use client';

import {
  type accountSchema,
  type Customer,
  type GuestTicket,
  type SessionDto,
  type ShiftDto,
  type TariffDto,
  type TransactionDto,
  type TransactionType,
} from '@econtrol/contracts';
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, ApiError } from './api';
import { keys, paths } from './org-api';

export type Account = z.infer<typeof accountSchema>;

export const moneyKeys = {
  customer: (id: string) => ['customer', id] as const,
  account: (id: string) => ['account', id] as const,
  transactions: (filters: LedgerFilters) => ['transactions', filters] as const,
  currentShift: (lanId: string) => ['shift', 'current', lanId] as const,
  shift: (id: string) => ['shift', id] as const,
  tariff: (zoneId: string) => ['tariff', zoneId] as const,
  sessions: (lanId: string) => ['sessions', lanId] as const,
  guestTickets: (lanId: string, status: GuestTicketFilter) => ['guest-tickets', lanId, status] as const,
};

export type GuestTicketFilter = 'open' | 'closed' | 'all';

/** A fresh idempotency key: generated once per user intent (when a money form opens). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function useCustomer(id: string | null) {
  return useQuery({
    queryKey: moneyKeys.customer(id ?? ''),
    queryFn: () => api<Customer>(paths.customer(id ?? '')),
    enabled: !!id,
  });
}

export function useAccount(customerId: string | null) {
  return useQuery({
    queryKey: moneyKeys.account(customerId ?? ''),
    queryFn: () => api<Account>(paths.account(customerId ?? '')),
    enabled: !!customerId,
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 2,
  });
}

export interface LedgerFilters {
  customerId?: string | undefined;
  lanCenterId?: string | undefined;
  type?: TransactionType | undefined;
  shiftId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

type Page<T> = { items: T[]; nextCursor: string | null };

export function useTransactions(filters: LedgerFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: moneyKeys.transactions(filters),
    queryFn: async ({ pageParam, signal }) => {
      const body = await api<Page<TransactionDto> | TransactionDto[]>(paths.transactions(), {
        query: { ...filters, cursor: pageParam, limit: 50 },
        signal,
      });
      return Array.isArray(body) ? { items: body, nextCursor: null } : body;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** The signed-in cashier's open shift at this LAN center, or null when none is open. */
export function useCurrentShift(lanId: string | undefined) {
  return useQuery({
    queryKey: moneyKeys.currentShift(lanId ?? ''),
    queryFn: async () => {
      try {
        const body = await api<ShiftDto | null | { shift: ShiftDto | null }>(paths.shiftCurrent(), {
          query: { lanCenterId: lanId },
        });
        if (body && 'shift' in body) return body.shift;
        return body ?? null;
      } catch (e) {
        // "No open shift" may come as 200 null or as 404 SHIFT_NOT_OPEN / NOT_FOUND.
        if (e instanceof ApiError && (e.code === 'SHIFT_NOT_OPEN' || e.code === 'NOT_FOUND')) return null;
        throw e;
      }
    },
    enabled: !!lanId,
    refetchInterval: 30_000,
  });
}

export function useTariff(zoneId: string | null) {
  return useQuery({
    queryKey: moneyKeys.tariff(zoneId ?? ''),
    queryFn: async () => {
      try {
        return await api<TariffDto | null>(paths.tariff(zoneId ?? ''));
      } catch (e) {
        if (e instanceof ApiError && e.code === 'TARIFF_NOT_CONFIGURED') return null;
        throw e;
      }
    },
    enabled: !!zoneId,
    retry: false,
  });
}

export function useLanSessions(lanId: string | undefined) {
  return useQuery({
    queryKey: moneyKeys.sessions(lanId ?? ''),
    queryFn: async () => {
      const body = await api<Page<SessionDto> | SessionDto[]>(paths.lanSessions(lanId ?? ''), {
        query: { limit: 200 },
      });
      return Array.isArray(body) ? body : body.items;
    },
    enabled: !!lanId,
    retry: false,
  });
}

/** Guest tickets of a LAN center with their money left (kept fresh while sessions consume it). */
export function useGuestTickets(lanId: string | undefined, status: GuestTicketFilter) {
  return useQuery({
    queryKey: moneyKeys.guestTickets(lanId ?? '', status),
    queryFn: async () =>
      (await api<Page<GuestTicket>>(paths.guestTickets(lanId ?? ''), { query: { status, limit: 200 } })).items,
    enabled: !!lanId,
    refetchInterval: 20_000,
  });
}

/** After a money movement: balances, ledger, the open shift's totals and the floor. */
export async function invalidateMoney(qc: QueryClient, lanId?: string): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: ['account'] }),
    qc.invalidateQueries({ queryKey: ['customer'] }),
    qc.invalidateQueries({ queryKey: ['customers'] }),
    qc.invalidateQueries({ queryKey: ['transactions'] }),
    qc.invalidateQueries({ queryKey: ['shift'] }),
    qc.invalidateQueries({ queryKey: ['guest-tickets'] }),
    ...(lanId
      ? [
          qc.invalidateQueries({ queryKey: keys.pcs(lanId) }),
          qc.invalidateQueries({ queryKey: moneyKeys.sessions(lanId) }),
        ]
      : []),
  ]);
}
