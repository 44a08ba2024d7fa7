'use client';

import { AlertCircle } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { describeError } from '@/lib/forms';
import { cn } from '@/lib/utils';
import { Button } from './ui/button';

/** An API error in the user's language, with its stable code. */
export function ErrorAlert({
  error,
  onRetry,
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  className?: string;
}) {
  const locale = useLocale();
  const t = useTranslations('common');
  if (!error) return null;
  const { message, code } = describeError(error, locale);
  return (
    <div
      role="alert"
      className={cn(
        'flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900',
        className,
      )}
    >
      <AlertCircle className="mt-0.5 size-4 shrink-0 text-red-600" aria-hidden />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{message}</p>
        {code && <p className="mt-0.5 font-mono text-xs text-red-700/80">{t('errorCode', { code })}</p>}
      </div>
      {onRetry && (
        <Button size="sm" variant="outline" onClick={onRetry}>
          {t('retry')}
        </Button>
      )}
    </div>
  );
}
