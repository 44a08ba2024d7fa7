'use client';

import Link from 'next/link';
import { useId, useRef } from 'react';
import { cn } from '@/lib/utils';

export interface TabItem<K extends string> {
  key: K;
  label: React.ReactNode;
}

/** ARIA tabs with roving focus: ←/→, Home/End move between tabs. */
export function Tabs<K extends string>({
  items,
  value,
  onValueChange,
  children,
  className,
  label,
}: {
  items: readonly TabItem<K>[];
  value: K;
  onValueChange: (k: K) => void;
  children: React.ReactNode;
  className?: string;
  label: string;
}) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const idx = items.findIndex((i) => i.key === value);

  const onKeyDown = (e: React.KeyboardEvent) => {
    let n: number;
    if (e.key === 'ArrowRight') n = (idx + 1) % items.length;
    else if (e.key === 'ArrowLeft') n = (idx - 1 + items.length) % items.length;
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = items.length - 1;
    else return;
    e.preventDefault();
    const item = items[n];
    if (item) {
      onValueChange(item.key);
      refs.current[n]?.focus();
    }
  };

  return (
    <div className={className}>
      <div
        role="tablist"
        aria-label={label}
        className="inline-flex gap-1 rounded-lg bg-muted p-1"
        onKeyDown={onKeyDown}
      >
        {items.map((item, i) => (
          <button
            key={item.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${item.key}`}
            aria-selected={item.key === value}
            aria-controls={`${base}-panel`}
            tabIndex={item.key === value ? 0 : -1}
            onClick={() => onValueChange(item.key)}
            className={cn(
              'rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground transition-colors focus-visible:outline-2 focus-visible:outline-ring',
              item.key === value ? 'bg-surface text-foreground shadow-xs' : 'hover:text-foreground',
            )}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${value}`} className="mt-4">
        {children}
      </div>
    </div>
  );
}

/** Page-level navigation that looks like tabs (plain links, so the URL is the state). */
export function NavTabs({
  items,
  active,
  label,
}: {
  items: readonly { href: string; label: React.ReactNode }[];
  active: string;
  label: string;
}) {
  return (
    <nav aria-label={label} className="flex gap-1 border-b border-border">
      {items.map((item) => {
        const current = item.href === active;
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? 'page' : undefined}
            className={cn(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-ring',
              current
                ? 'border-primary text-foreground'
                : 'border-transparent text-muted-foreground hover:border-slate-300 hover:text-foreground',
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
