'use client';

import {
  type Customer,
  type LanCenter,
  type Pc,
  type Zone,
  type pairingCodeSchema,
  type staffMemberSchema,
} from '@econtrol/contracts';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from './api';

export type PairingCode = z.infer<typeof pairingCodeSchema>;
export type StaffMember = z.infer<typeof staffMemberSchema>;

/** Lists may come as a bare array or as a cursor page `{ items, nextCursor }`. */
type ListBody<T> = T[] | { items: T[]; nextCursor?: string | null };
const asList = <T>(body: ListBody<T>): T[] => (Array.isArray(body) ? body : body.items);

/** Every path the console calls, in one place (relative to /api/v1). */
export const paths = {
  lanCenters: () => '/lan-centers',
  lanCenter: (id: string) => `/lan-centers/${id}`,
  zones: (lanId: string) => `/lan-centers/${lanId}/zones`,
  zone: (id: string) => `/zones/${id}`,
  tariff: (zoneId: string) => `/zones/${zoneId}/tariff`,
  pcs: (lanId: string) => `/lan-centers/${lanId}/pcs`,
  pc: (id: string) => `/pcs/${id}`,
  pairingCode: (id: string) => `/pcs/${id}/pairing-code`,
  pcCommand: (id: string) => `/pcs/${id}/commands`,
  staff: () => '/staff',
  staffMember: (id: string) => `/staff/${id}`,
  customers: () => '/customers',
  customer: (id: string) => `/customers/${id}`,
  account: (customerId: string) => `/customers/${customerId}/account`,
  recharges: (customerId: string) => `/customers/${customerId}/recharges`,
  refunds: (customerId: string) => `/customers/${customerId}/refunds`,
  adjustments: (customerId: string) => `/customers/${customerId}/adjustments`,
  transactions: () => '/transactions',
  shiftOpen: () => '/shifts/open',
  shiftCurrent: () => '/shifts/current',
  shift: (id: string) => `/shifts/${id}`,
  shiftClose: (id: string) => `/shifts/${id}/close`,
  sessions: () => '/sessions',
  lanSessions: (lanId: string) => `/lan-centers/${lanId}/sessions`,
  sessionAction: (id: string, action: 'end' | 'pause' | 'resume') => `/sessions/${id}/${action}`,
  timePackages: () => '/time-packages',
  guestTickets: (lanId: string) => `/lan-centers/${lanId}/guest-tickets`,
  guestTicketSell: () => '/guest-tickets',
  guestTicketClose: (id: string) => `/guest-tickets/${id}/close`,
} as const;

export const keys = {
  lanCenters: ['lan-centers'] as const,
  zones: (lanId: string) => ['zones', lanId] as const,
  pcs: (lanId: string) => ['pcs', lanId] as const,
  staff: ['staff'] as const,
  customers: (q: string) => ['customers', q] as const,
};

export function useLanCenters(enabled = true) {
  return useQuery({
    queryKey: keys.lanCenters,
    queryFn: async () => asList(await api<ListBody<LanCenter>>(paths.lanCenters())),
    enabled,
    staleTime: 60_000,
  });
}

export function useZones(lanId: string | undefined) {
  return useQuery({
    queryKey: keys.zones(lanId ?? ''),
    queryFn: async () => asList(await api<ListBody<Zone>>(paths.zones(lanId ?? ''))),
    enabled: !!lanId,
  });
}

export function usePcs(lanId: string | undefined) {
  return useQuery({
    queryKey: keys.pcs(lanId ?? ''),
    queryFn: async () => asList(await api<ListBody<Pc>>(paths.pcs(lanId ?? ''))),
    enabled: !!lanId,
    // Kept fresh by the live socket (useLiveFloor), which refetches once per (re)connect.
    staleTime: Infinity,
  });
}

export function useStaff() {
  return useQuery({
    queryKey: keys.staff,
    queryFn: async () => asList(await api<ListBody<StaffMember>>(paths.staff())),
  });
}

export function useCustomers(q: string) {
  return useQuery({
    queryKey: keys.customers(q),
    queryFn: async ({ signal }) =>
      asList(await api<ListBody<Customer>>(paths.customers(), { query: { q, limit: 50 }, signal })),
    placeholderData: (prev) => prev,
  });
}
