'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/lib/utils';

export interface MenuItem {
  key: string;
  label: React.ReactNode;
  icon?: React.ReactNode;
  onSelect: () => void;
  destructive?: boolean;
  disabled?: boolean;
}

/** Menu button (WAI-ARIA pattern): Enter/Space/↓ open, ↑/↓/Home/End move, Esc closes. */
export function DropdownMenu({
  trigger,
  triggerLabel,
  items,
  align = 'end',
  triggerClassName,
  header,
}: {
  trigger: React.ReactNode;
  triggerLabel: string;
  items: readonly MenuItem[];
  align?: 'start' | 'end';
  triggerClassName?: string;
  header?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    const first = items.findIndex((i) => !i.disabled);
    itemRefs.current[first]?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, items]);

  const focusAt = (i: number) => itemRefs.current[(i + items.length) % items.length]?.focus();
  const current = () => itemRefs.current.findIndex((el) => el === document.activeElement);

  const onMenuKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') focusAt(current() + 1);
    else if (e.key === 'ArrowUp') focusAt(current() - 1);
    else if (e.key === 'Home') focusAt(0);
    else if (e.key === 'End') focusAt(items.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
      return;
    } else return;
    e.preventDefault();
  };

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={triggerLabel}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className={triggerClassName}
      >
        {trigger}
      </button>
      {open && (
        <div
          id={menuId}
          role="menu"
          onKeyDown={onMenuKey}
          className={cn(
            'absolute z-40 mt-1 min-w-48 rounded-lg border border-border bg-surface p-1 text-sm text-foreground shadow-lg',
            align === 'end' ? 'right-0' : 'left-0',
            'bottom-auto',
          )}
        >
          {header && (
            <div className="border-b border-border px-2 py-2 text-xs text-muted-foreground">{header}</div>
          )}
          {items.map((item, i) => (
            <button
              key={item.key}
              ref={(el) => {
                itemRefs.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              disabled={item.disabled}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
              className={cn(
                'flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left outline-none focus:bg-muted disabled:opacity-50 [&_svg]:size-4',
                item.destructive ? 'text-danger' : 'text-foreground',
              )}
            >
              {item.icon}
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
