'use client';

import { type Role } from '@econtrol/contracts';
import { ShieldAlert } from 'lucide-react';
import { usePathname, useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { BrandMark } from '@/components/brand';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { STAFF_ROLES, useAuth } from '@/lib/auth';
import { routes } from '@/lib/nav';

function Splash() {
  const t = useTranslations('auth');
  return (
    <div className="flex min-h-screen flex-col items-center justify-center gap-4 bg-background">
      <BrandMark className="size-10" />
      <Spinner label={t('checking')} />
    </div>
  );
}

/** Staff-only area: sends visitors to /login and keeps gamers (CLIENT) out. */
export function AuthGate({ children }: { children: React.ReactNode }) {
  const { user, loading, logout } = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const t = useTranslations('auth');
  const wasSignedIn = useRef(false);

  useEffect(() => {
    if (user) wasSignedIn.current = true;
    if (!loading && !user) {
      const params = new URLSearchParams({ next: pathname });
      if (wasSignedIn.current) params.set('reason', 'expired');
      router.replace(`${routes.login}?${params.toString()}`);
    }
  }, [user, loading, pathname, router]);

  if (loading || !user) return <Splash />;
  if (!STAFF_ROLES.includes(user.role)) {
    return (
      <div className="flex min-h-screen flex-col items-center justify-center gap-4 p-6 text-center">
        <ShieldAlert className="size-10 text-amber-600" aria-hidden />
        <p className="max-w-sm text-sm">{t('clientNotAllowed')}</p>
        <Button variant="outline" onClick={() => void logout().then(() => router.replace(routes.login))}>
          {t('logout')}
        </Button>
      </div>
    );
  }
  return <>{children}</>;
}

/** Manager-only pages: a cashier is sent back to the floor with a message. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: React.ReactNode }) {
  const { user } = useAuth();
  const router = useRouter();
  const toast = useToast();
  const t = useTranslations('auth');
  const allowed = !!user && roles.includes(user.role);
  const warned = useRef(false);

  useEffect(() => {
    if (user && !allowed && !warned.current) {
      warned.current = true;
      toast({
        tone: 'warning',
        title: t('forbiddenTitle'),
        description: t('forbiddenManager'),
        code: 'FORBIDDEN',
      });
      router.replace(routes.floor);
    }
  }, [user, allowed, router, toast, t]);

  if (!allowed) return null;
  return <>{children}</>;
}
