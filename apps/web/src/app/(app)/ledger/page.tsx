'use client';

import { ArrowLeftRight } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/ui/empty-state';

export default function LedgerPage() {
  const t = useTranslations('ledger');
  return (
    <>
      <PageHeader title={t('title')} description={t('subtitle')} />
      <EmptyState icon={ArrowLeftRight} title={t('empty')} description={t('emptyHint')} />
    </>
  );
}
