'use client';

import { Gamepad2, MonitorSmartphone, Wallet } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { Brand } from './brand';
import { LanguageSwitch } from './language-switch';

/** Two-column frame for /login and /signup: brand panel on the left, form on the right. */
export function AuthLayout({ children, wide = false }: { children: React.ReactNode; wide?: boolean }) {
  const t = useTranslations('auth');
  return (
    <div className="flex min-h-screen">
      <aside className="relative hidden w-[38%] max-w-xl flex-col justify-between overflow-hidden bg-sidebar p-10 text-sidebar-foreground lg:flex">
        <div
          aria-hidden
          className="pointer-events-none absolute -top-32 -right-32 size-96 rounded-full bg-indigo-500/15 blur-3xl"
        />
        <Brand />
        <div className="relative space-y-8">
          <h1 className="text-3xl leading-tight font-semibold text-white">{t('tagline')}</h1>
          <ul className="space-y-4 text-sm">
            <li className="flex items-center gap-3">
              <span className="flex size-9 items-center justify-center rounded-lg bg-white/5 text-emerald-300">
                <MonitorSmartphone className="size-4" aria-hidden />
              </span>
              {t('pitchFloor')}
            </li>
            <li className="flex items-center gap-3">
              <span className="flex size-9 items-center justify-center rounded-lg bg-white/5 text-sky-300">
                <Wallet className="size-4" aria-hidden />
              </span>
              {t('pitchMoney')}
            </li>
            <li className="flex items-center gap-3">
              <span className="flex size-9 items-center justify-center rounded-lg bg-white/5 text-violet-300">
                <Gamepad2 className="size-4" aria-hidden />
              </span>
              {t('pitchGamers')}
            </li>
          </ul>
        </div>
        <p className="relative text-xs text-sidebar-muted">© eControl · AGPL-3.0</p>
      </aside>
      <main className="flex flex-1 flex-col">
        <div className="flex items-center justify-between px-6 py-4 lg:justify-end">
          <span className="lg:hidden">
            <Brand tone="dark" />
          </span>
          <LanguageSwitch />
        </div>
        <div className="flex flex-1 items-start justify-center px-6 pb-10 lg:items-center">
          <div className={wide ? 'w-full max-w-2xl' : 'w-full max-w-sm'}>{children}</div>
        </div>
      </main>
    </div>
  );
}
