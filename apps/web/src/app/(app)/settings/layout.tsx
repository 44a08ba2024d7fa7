'use client';

import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { RequireRole } from '@/components/shell/auth-gate';
import { PageHeader } from '@/components/shell/page-header';
import { NavTabs } from '@/components/ui/tabs';
import { MANAGER_ROLES } from '@/lib/auth';
import { routes } from '@/lib/nav';

export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  const t = useTranslations('settings');
  const pathname = usePathname();
  const p = pathname.endsWith('/') ? pathname : `${pathname}/`;
  const tabs = [
    { href: routes.settings, label: t('tabs.lanCenter') },
    { href: routes.settingsZones, label: t('tabs.zones') },
    { href: routes.settingsPcs, label: t('tabs.pcs') },
    { href: routes.settingsStaff, label: t('tabs.staff') },
  ];
  return (
    <RequireRole roles={MANAGER_ROLES}>
      <div className="space-y-5">
        <PageHeader title={t('title')} description={t('subtitle')} />
        <NavTabs items={tabs} active={p} label={t('title')} />
        <div className="space-y-5">{children}</div>
      </div>
    </RequireRole>
  );
}
