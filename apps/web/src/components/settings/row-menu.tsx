'use client';

import { MoreHorizontal } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { DropdownMenu, type MenuItem } from '@/components/ui/dropdown-menu';
import { buttonVariants } from '@/components/ui/button';

export function RowMenu({ items, label }: { items: readonly MenuItem[]; label: string }) {
  const t = useTranslations('common');
  return (
    <DropdownMenu
      triggerLabel={`${t('actions')}: ${label}`}
      triggerClassName={buttonVariants({ variant: 'ghost', size: 'icon-sm' })}
      trigger={<MoreHorizontal aria-hidden />}
      items={items}
    />
  );
}
