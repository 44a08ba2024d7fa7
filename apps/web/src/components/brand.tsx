import { cn } from '@/lib/utils';

export function BrandMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" aria-hidden className={cn('size-8', className)}>
      <rect width="64" height="64" rx="14" fill="#1e1b4b" />
      <rect x="12" y="14" width="40" height="26" rx="4" fill="none" stroke="#a5b4fc" strokeWidth="4" />
      <path d="M26 48h12M32 40v8" stroke="#a5b4fc" strokeWidth="4" strokeLinecap="round" />
      <circle cx="32" cy="27" r="5" fill="#34d399" />
    </svg>
  );
}

export function Brand({ className, tone = 'light' }: { className?: string; tone?: 'light' | 'dark' }) {
  return (
    <span className={cn('inline-flex items-center gap-2.5', className)}>
      <BrandMark />
      <span
        className={cn(
          'text-lg font-semibold tracking-tight',
          tone === 'light' ? 'text-white' : 'text-foreground',
        )}
      >
        eControl
      </span>
    </span>
  );
}
