'use client';

import { CheckCircle2, Info, TriangleAlert, X, XCircle } from 'lucide-react';
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { cn } from '@/lib/utils';

export type ToastTone = 'success' | 'error' | 'info' | 'warning';
export interface ToastInput {
  title: string;
  description?: string;
  /** Stable error code, shown small so support can match it. */
  code?: string;
  tone?: ToastTone;
  durationMs?: number;
}
interface ToastItem extends ToastInput {
  id: number;
}

const ToastContext = createContext<((t: ToastInput) => void) | null>(null);

const icons = { success: CheckCircle2, error: XCircle, info: Info, warning: TriangleAlert } as const;
const tones = {
  success: 'border-emerald-200 [&_.toast-icon]:text-emerald-600',
  error: 'border-red-200 [&_.toast-icon]:text-red-600',
  info: 'border-sky-200 [&_.toast-icon]:text-sky-600',
  warning: 'border-amber-200 [&_.toast-icon]:text-amber-600',
} as const;

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const push = useCallback(
    (t: ToastInput) => {
      const id = next.current++;
      setItems((xs) => [...xs.slice(-3), { ...t, id }]);
      const ms = t.durationMs ?? (t.tone === 'error' ? 8000 : 4000);
      window.setTimeout(() => dismiss(id), ms);
    },
    [dismiss],
  );
  const value = useMemo(() => push, [push]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div
        aria-live="polite"
        aria-relevant="additions"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[22rem] max-w-[calc(100vw-2rem)] flex-col gap-2"
      >
        {items.map((t) => {
          const tone = t.tone ?? 'info';
          const Icon = icons[tone];
          return (
            <div
              key={t.id}
              role={tone === 'error' ? 'alert' : 'status'}
              className={cn(
                'pointer-events-auto flex items-start gap-3 rounded-lg border bg-surface p-3 text-sm shadow-lg',
                tones[tone],
              )}
            >
              <Icon className="toast-icon mt-0.5 size-4 shrink-0" aria-hidden />
              <div className="min-w-0 flex-1">
                <p className="font-medium text-foreground">{t.title}</p>
                {t.description && <p className="mt-0.5 text-muted-foreground">{t.description}</p>}
                {t.code && <p className="mt-1 font-mono text-[11px] text-muted-foreground">{t.code}</p>}
              </div>
              <button
                type="button"
                onClick={() => dismiss(t.id)}
                className="rounded p-0.5 text-muted-foreground hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
                aria-label="OK"
              >
                <X className="size-4" aria-hidden />
              </button>
            </div>
          );
        })}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): (t: ToastInput) => void {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}
