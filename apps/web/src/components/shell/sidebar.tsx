'use client';

import { type Role } from '@econtrol/contracts';
import {
  ArrowLeftRight,
  ChevronsUpDown,
  Landmark,
  LayoutGrid,
  LogOut,
  type LucideIcon,
  Settings,
  Ticket,
  Users,
} from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { Brand } from '@/components/brand';
import { LanguageSwitch } from '@/components/language-switch';
import { DropdownMenu } from '@/components/ui/dropdown-menu';
import { Select } from '@/components/ui/select';
import { MANAGER_ROLES, useAuth } from '@/lib/auth';
import { useLanCenter } from '@/lib/lan-center';
import { routes } from '@/lib/nav';
import { cn } from '@/lib/utils';

interface NavItem {
  href: string;
  key: 'floor' | 'customers' | 'guestTickets' | 'ledger' | 'shift' | 'settings';
  icon: LucideIcon;
  roles?: readonly Role[];
}

const nav: readonly NavItem[] = [
  { href: routes.floor, key: 'floor', icon: LayoutGrid },
  { href: routes.customers, key: 'customers', icon: Users },
  { href: routes.guestTickets, key: 'guestTickets', icon: Ticket },
  { href: routes.ledger, key: 'ledger', icon: ArrowLeftRight },
  { href: routes.shift, key: 'shift', icon: Landmark },
  { href: routes.settings, key: 'settings', icon: Settings, roles: MANAGER_ROLES },
];

function isActive(pathname: string, href: string): boolean {
  const p = pathname.endsWith('/') ? pathname : `${pathname}/`;
  return href === '/' ? p === '/' : p.startsWith(href);
}

export function Sidebar() {
  const t = useTranslations('nav');
  const pathname = usePathname();
  const router = useRouter();
  const { user, logout } = useAuth();
  const { lanCenters, current, setCurrentId } = useLanCenter();
  if (!user) return null;
  const items = nav.filter((i) => !i.roles || i.roles.includes(user.role));
  const initials = user.name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');

  return (
    <aside className="flex h-screen w-60 shrink-0 flex-col bg-sidebar text-sidebar-foreground">
      <div className="px-5 pt-5 pb-4">
        <Brand />
      </div>

      <div className="px-3 pb-3">
        {lanCenters.length > 1 ? (
          <label className="block">
            <span className="mb-1 block px-2 text-[11px] font-semibold tracking-wider text-sidebar-muted uppercase">
              {t('lanCenter')}
            </span>
            <Select
              value={current?.id ?? ''}
              onChange={(e) => setCurrentId(e.target.value)}
              className="border-white/10 bg-sidebar-hover text-white"
            >
              {lanCenters.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </Select>
          </label>
        ) : (
          <div className="rounded-md bg-white/5 px-3 py-2">
            <p className="text-[11px] font-semibold tracking-wider text-sidebar-muted uppercase">
              {t('lanCenter')}
            </p>
            <p className="truncate text-sm font-medium text-white">{current?.name ?? '—'}</p>
          </div>
        )}
      </div>

      <nav aria-label={t('mainNav')} className="flex-1 space-y-0.5 overflow-y-auto px-3 py-2">
        {items.map((item) => {
          const active = isActive(pathname, item.href);
          const Icon = item.icon;
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={cn(
                'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-400',
                active
                  ? 'bg-sidebar-active text-white'
                  : 'text-sidebar-foreground hover:bg-sidebar-hover hover:text-white',
              )}
            >
              <Icon className={cn('size-4', active ? 'text-indigo-300' : 'text-sidebar-muted')} aria-hidden />
              {t(item.key)}
            </Link>
          );
        })}
      </nav>

      <div className="space-y-3 border-t border-white/10 p-3">
        <LanguageSwitch tone="dark" className="px-2" />
        <DropdownMenu
          triggerLabel={t('userMenu')}
          align="start"
          triggerClassName="flex w-full items-center gap-3 rounded-md px-2 py-2 text-left hover:bg-sidebar-hover focus-visible:outline-2 focus-visible:outline-indigo-400"
          trigger={
            <>
              <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-indigo-500/25 text-xs font-semibold text-indigo-100">
                {initials}
              </span>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium text-white">{user.name}</span>
                <span className="block truncate text-xs text-sidebar-muted">{t(`role.${user.role}`)}</span>
              </span>
              <ChevronsUpDown className="size-4 text-sidebar-muted" aria-hidden />
            </>
          }
          header={user.username ?? user.email}
          items={[
            {
              key: 'logout',
              label: t('logout'),
              icon: <LogOut aria-hidden />,
              onSelect: () => {
                void logout().then(() => router.replace(routes.login));
              },
            },
          ]}
        />
      </div>
    </aside>
  );
}
