'use client';

import { tenderMethodSchema } from '@econtrol/contracts';
import { useTranslations } from 'next-intl';
import { cn } from '@/lib/utils';

export type TenderMethod = (typeof tenderMethodSchema.options)[number];
const methods = tenderMethodSchema.options;

/** How money changes hands at the counter: efectivo, tarjeta, Yape, Plin, transferencia. */
export function PaymentMethodPicker({
  value,
  onChange,
  legend,
}: {
  value: TenderMethod;
  onChange: (m: TenderMethod) => void;
  legend?: string;
}) {
  const t = useTranslations('money');
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium">{legend ?? t('method')}</legend>
      <div role="radiogroup" className="flex flex-wrap gap-1.5">
        {methods.map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={value === m}
            onClick={() => onChange(m)}
            className={cn(
              'h-9 flex-1 rounded-md border px-2 text-xs font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-ring',
              value === m
                ? 'border-primary bg-primary/10 text-primary'
                : 'border-border bg-surface hover:bg-muted',
            )}
          >
            {t(`methods.${m}`)}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
