'use client';

import { AuthGate } from '@/components/shell/auth-gate';
import { Sidebar } from '@/components/shell/sidebar';
import { LanCenterProvider } from '@/lib/lan-center';

export default function AppLayout({ children }: { children: React.ReactNode }) {
  return (
    <AuthGate>
      <LanCenterProvider>
        <div className="flex h-screen overflow-hidden">
          <Sidebar />
          <main id="main" className="min-w-0 flex-1 overflow-y-auto">
            <div className="mx-auto max-w-[1400px] space-y-6 px-6 py-6">{children}</div>
          </main>
        </div>
      </LanCenterProvider>
    </AuthGate>
  );
}
