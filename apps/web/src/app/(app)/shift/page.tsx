'use client';

import { Landmark } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function ShiftPage() {
  const t = useTranslations('shift');
  return (
    <>
      <PageHeader title={t('title')} description={t('subtitle')} />
      <EmptyState
        icon={Landmark}
        title={t('closed')}
        description={t('closedHint')}
        action={
          <Button disabled title={t('soon')}>
            {t('open')}
          </Button>
        }
      />
    </>
  );
}
