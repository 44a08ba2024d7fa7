import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CustomerDetail } from './customer-detail';

export const metadata: Metadata = { title: 'Cliente' };

export default function CustomerPage() {
  return (
    <Suspense>
      <CustomerDetail />
    </Suspense>
  );
}
