'use client';

import { locales } from '@econtrol/contracts';
import { Languages } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useLocaleSettings } from '@/lib/i18n';
import { cn } from '@/lib/utils';

/** Segmented es/en switch; the choice is stored in localStorage. */
export function LanguageSwitch({
  className,
  tone = 'light',
}: {
  className?: string;
  tone?: 'light' | 'dark';
}) {
  const { locale, setLocale } = useLocaleSettings();
  const t = useTranslations('lang');
  return (
    <div role="group" aria-label={t('label')} className={cn('inline-flex items-center gap-1.5', className)}>
      <Languages
        className={cn('size-4', tone === 'dark' ? 'text-sidebar-muted' : 'text-muted-foreground')}
        aria-hidden
      />
      {locales.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={locale === l}
          onClick={() => setLocale(l)}
          title={t(l)}
          className={cn(
            'rounded px-1.5 py-0.5 text-xs font-semibold uppercase transition-colors focus-visible:outline-2 focus-visible:outline-ring',
            tone === 'dark'
              ? locale === l
                ? 'bg-sidebar-active text-white'
                : 'text-sidebar-muted hover:text-white'
              : locale === l
                ? 'bg-primary/10 text-primary'
                : 'text-muted-foreground hover:text-foreground',
          )}
        >
          {l}
        </button>
      ))}
    </div>
  );
}
