'use client';

import { forwardRef } from 'react';
import { cn } from '@/lib/utils';
import { Input } from '@/components/ui/input';

/** Amount typed as text ("10", "10.50", "10,50"); parsed to minor units with parseMoney. */
export const MoneyInput = forwardRef<
  HTMLInputElement,
  React.InputHTMLAttributes<HTMLInputElement> & { symbol: string }
>(function MoneyInput({ symbol, className, ...props }, ref) {
  return (
    <div className="relative">
      <span className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-sm text-muted-foreground">
        {symbol}
      </span>
      <Input
        ref={ref}
        inputMode="decimal"
        autoComplete="off"
        className={cn('tabular pl-10 text-right', className)}
        {...props}
      />
    </div>
  );
});

/** The currency's narrow symbol in the user's locale, e.g. "S/" for PEN. */
export function currencySymbol(currency: string, locale: string): string {
  const part = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'es-PE', {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  })
    .formatToParts(0)
    .find((p) => p.type === 'currency');
  return part?.value ?? currency;
}
