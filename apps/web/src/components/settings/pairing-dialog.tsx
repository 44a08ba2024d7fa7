'use client';

import { Check, Copy } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { API_ORIGIN } from '@/lib/config';
import { formatTime } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import type { PairingCode } from '@/lib/org-api';

/** Seconds as h:mm:ss (a code lasts a day) or m:ss under an hour. */
function clockOf(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(seconds % 60)}` : `${m}:${two(seconds % 60)}`;
}

/** What the QR holds: the server to talk to and the one-time code (read by the agent set-up). */
export function pairingUri(code: string): string {
  const server = API_ORIGIN || (typeof window !== 'undefined' ? window.location.origin : '');
  return `econtrol://pair?server=${encodeURIComponent(server)}&code=${encodeURIComponent(code)}`;
}

function useCountdown(expiresAt: string | undefined): number {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!expiresAt) return;
    const tick = () => setLeft(Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000)));
    tick();
    const id = window.setInterval(tick, 1000);
    return () => window.clearInterval(id);
  }, [expiresAt]);
  return left;
}

export function PairingDialog({
  pcName,
  pairing,
  onClose,
  onRenew,
  renewing,
}: {
  pcName: string;
  pairing: PairingCode | null;
  onClose: () => void;
  onRenew: () => void;
  renewing: boolean;
}) {
  const t = useTranslations('settings.pcs');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { timeZone } = useLanCenter();
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const left = useCountdown(pairing?.expiresAt);
  const expired = !!pairing && left === 0;

  useEffect(() => {
    if (!pairing) return;
    let alive = true;
    void import('qrcode').then(async (QR) => {
      const svg = await QR.toString(pairingUri(pairing.code), {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      if (alive) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      alive = false;
    };
  }, [pairing]);

  const copy = () => {
    if (!pairing) return;
    void navigator.clipboard.writeText(pairing.code).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    });
  };

  return (
    <Dialog
      open={!!pairing}
      onOpenChange={(o) => !o && onClose()}
      title={t('pairTitle', { name: pcName })}
      description={t('pairHint')}
      className="max-w-md"
      footer={
        <>
          <Button variant="outline" onClick={onRenew} loading={renewing}>
            {t('newCode')}
          </Button>
          <Button onClick={onClose}>{tc('done')}</Button>
        </>
      }
    >
      {pairing && (
        <div className="flex flex-col items-center gap-4">
          <div className={expired ? 'opacity-30' : undefined}>
            {qr ? (
              <img
                src={qr}
                alt={t('qrAlt')}
                width={200}
                height={200}
                className="size-[200px] rounded-md border border-border"
              />
            ) : (
              <div className="size-[200px] animate-pulse rounded-md bg-muted" />
            )}
          </div>
          <div className="flex items-center gap-2">
            <output
              aria-label={t('code')}
              className="rounded-lg border border-border bg-muted px-4 py-2 font-mono text-2xl font-semibold tracking-[0.25em]"
            >
              {pairing.code}
            </output>
            <Button variant="outline" size="icon" onClick={copy} aria-label={tc('copy')}>
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            </Button>
          </div>
          <p
            className={expired ? 'text-sm font-medium text-danger' : 'tabular text-sm text-muted-foreground'}
            role="status"
          >
            {expired
              ? t('expired')
              : t('expiresIn', {
                  time: clockOf(left),
                  at: formatTime(pairing.expiresAt, locale, timeZone),
                })}
          </p>
        </div>
      )}
    </Dialog>
  );
}
