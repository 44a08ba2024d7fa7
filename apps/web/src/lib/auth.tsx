'use client';

import { type AuthResponse, type LoginRequest, type Role, type SessionUser } from '@econtrol/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo } from 'react';
import { api, ApiError, forgetCsrf, onSessionExpired, rememberCsrf } from './api';

export const meQueryKey = ['auth', 'me'] as const;

interface AuthContextValue {
  user: SessionUser | null;
  /** True until we know whether a session exists. */
  loading: boolean;
  login: (body: Omit<LoginRequest, 'tokenMode'>) => Promise<SessionUser>;
  /** Stores the session returned by login or signup. */
  acceptSession: (auth: AuthResponse) => void;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

async function fetchMe(): Promise<SessionUser | null> {
  try {
    return await api<SessionUser>('/auth/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: 1 });

  useEffect(
    () =>
      onSessionExpired(() => {
        forgetCsrf();
        qc.setQueryData(meQueryKey, null);
      }),
    [qc],
  );

  const acceptSession = useCallback(
    (auth: AuthResponse) => {
      rememberCsrf(auth.csrfToken);
      qc.setQueryData(meQueryKey, auth.user);
    },
    [qc],
  );

  const login = useCallback(
    async (body: Omit<LoginRequest, 'tokenMode'>) => {
      const res = await api<AuthResponse>('/auth/login', {
        method: 'POST',
        body: { ...body, tokenMode: 'cookie' },
      });
      acceptSession(res);
      return res.user;
    },
    [acceptSession],
  );

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST', body: {}, noRefresh: true });
    } catch {
      // the session is gone either way
    }
    forgetCsrf();
    qc.clear();
    qc.setQueryData(meQueryKey, null);
  }, [qc]);

  const value = useMemo<AuthContextValue>(
    () => ({ user: me.data ?? null, loading: me.isPending, login, acceptSession, logout }),
    [me.data, me.isPending, login, acceptSession, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export const STAFF_ROLES: readonly Role[] = ['SUPER_ADMIN', 'MANAGER', 'CASHIER'];
export const MANAGER_ROLES: readonly Role[] = ['SUPER_ADMIN', 'MANAGER'];

export function isManager(user: SessionUser | null): boolean {
  return !!user && MANAGER_ROLES.includes(user.role);
}
