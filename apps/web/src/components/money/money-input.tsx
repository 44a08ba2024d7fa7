'use client';

import { type Locale } from '@econtrol/contracts';
import { forwardRef } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { formatMoney, minorDigits } from '@/lib/format';
import { cn } from '@/lib/utils';

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

/** One-tap amounts under a MoneyInput: picks the amount as the cashier would type it. */
export function QuickAmounts({
  amounts,
  currency,
  locale,
  onPick,
}: {
  amounts: number[];
  currency: string;
  locale: Locale;
  onPick: (typed: string) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {amounts.map((q) => (
        <Button
          key={q}
          size="sm"
          variant="outline"
          onClick={() => onPick(String(q / 10 ** minorDigits(currency)))}
          className="tabular"
        >
          {formatMoney(q, currency, locale)}
        </Button>
      ))}
    </div>
  );
}
