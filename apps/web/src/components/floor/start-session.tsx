'use client';

import { type Customer, type Pc, type SessionDto } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Search, UserRound, UsersRound } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useDeferredValue, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { api, ApiError } from '@/lib/api';
import { formatMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { invalidateMoney, newIdempotencyKey } from '@/lib/money-api';
import { paths, useCustomers } from '@/lib/org-api';
import { cn } from '@/lib/utils';

/** Start a session on a PC: a member (paid from their balance) or a guest who pays on exit. */
export function StartSessionForm({ pc, onDone }: { pc: Pc; onDone: () => void }) {
  const t = useTranslations('floor.start');
  const locale = useLocale();
  const { currentId, currency } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const [mode, setMode] = useState<'member' | 'guest'>('member');
  const [q, setQ] = useState('');
  const deferred = useDeferredValue(q.trim());
  const customers = useCustomers(deferred);
  const [picked, setPicked] = useState<Customer | null>(null);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  // One key per intent: a double click or a retry after a lost response never starts twice.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  const start = async () => {
    if (saving) return;
    setError(null);
    setSaving(true);
    try {
      await api<SessionDto>(paths.sessions(), {
        method: 'POST',
        idempotencyKey,
        body:
          mode === 'member' && picked
            ? { pcId: pc.id, customerId: picked.id }
            : { pcId: pc.id, postpaidGuest: { label: label.trim() || t('guestDefault') } },
      });
      await invalidateMoney(qc, currentId);
      toast({ tone: 'success', title: t('started', { pc: pc.name }) });
      onDone();
    } catch (e) {
      setError(e);
      // A definite refusal (4xx) ends this intent; the next attempt is a new one.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) setIdempotencyKey(newIdempotencyKey());
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="space-y-3 rounded-lg border border-border p-3">
      <div role="tablist" className="grid grid-cols-2 gap-1 rounded-md bg-muted p-1">
        {(['member', 'guest'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            onClick={() => setMode(m)}
            className={cn(
              'flex h-8 items-center justify-center gap-1.5 rounded text-sm font-medium',
              mode === m ? 'bg-surface shadow-xs' : 'text-muted-foreground hover:text-foreground',
            )}
          >
            {m === 'member' ? (
              <UserRound className="size-4" aria-hidden />
            ) : (
              <UsersRound className="size-4" aria-hidden />
            )}
            {t(m)}
          </button>
        ))}
      </div>
      <ErrorAlert error={error} />
      {mode === 'member' ? (
        <div className="space-y-2">
          <div className="relative">
            <Search
              className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden
            />
            <Input
              type="search"
              autoFocus
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                setPicked(null);
              }}
              placeholder={t('search')}
              aria-label={t('search')}
              className="pl-9"
            />
          </div>
          <ul
            role="listbox"
            aria-label={t('results')}
            className="max-h-40 overflow-y-auto rounded-md border border-border"
          >
            {(customers.data ?? []).slice(0, 20).map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  role="option"
                  aria-selected={picked?.id === c.id}
                  onClick={() => setPicked(c)}
                  className={cn(
                    'flex w-full items-center justify-between px-3 py-1.5 text-left text-sm hover:bg-muted',
                    picked?.id === c.id && 'bg-primary/10 font-medium',
                  )}
                >
                  <span className="truncate">
                    {c.name}
                    {c.username && <span className="text-muted-foreground"> @{c.username}</span>}
                  </span>
                  <span className="tabular text-xs text-muted-foreground">
                    {formatMoney(c.balanceMinor, currency, locale)}
                  </span>
                </button>
              </li>
            ))}
            {customers.data?.length === 0 && (
              <li className="px-3 py-2 text-sm text-muted-foreground">{t('noResults')}</li>
            )}
          </ul>
        </div>
      ) : (
        <Field label={t('guestLabel')} hint={t('guestHint')}>
          <Input
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder={t('guestDefault')}
            maxLength={60}
          />
        </Field>
      )}
      <Button
        className="w-full"
        onClick={() => void start()}
        loading={saving}
        disabled={mode === 'member' && !picked}
      >
        {mode === 'member' && picked ? t('startFor', { name: picked.name }) : t('submit')}
      </Button>
    </div>
  );
}
