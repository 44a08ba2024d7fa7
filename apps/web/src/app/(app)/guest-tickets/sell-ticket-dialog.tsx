'use client';

import { type GuestTicketSale } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Check, Copy } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { currencySymbol, MoneyInput, QuickAmounts } from '@/components/money/money-input';
import { PaymentMethodPicker, type TenderMethod } from '@/components/money/payment-method-picker';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { api } from '@/lib/api';
import { formatDateTime, formatMoney, parseMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { invalidateMoney, newIdempotencyKey } from '@/lib/money-api';
import { paths } from '@/lib/org-api';
import { TimeByZone } from './time-by-zone';

const validities = ['24', '168', '720'] as const;

/** The code, big and copyable, once: the server keeps only its hash. */
function SoldTicket({ sale }: { sale: GuestTicketSale }) {
  const t = useTranslations('guestTickets');
  const tm = useTranslations('money');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currency, timeZone } = useLanCenter();
  const [copied, setCopied] = useState(false);
  const { ticket, code } = sale;

  const copy = () => {
    if (!code) return;
    void navigator.clipboard.writeText(code).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    });
  };

  return (
    <div className="space-y-4">
      {code ? (
        <div className="flex flex-col items-center gap-2 rounded-lg border border-primary/30 bg-primary/5 px-4 py-5">
          <p className="text-xs font-semibold tracking-wider text-primary uppercase">{t('codeTitle')}</p>
          <div className="flex items-center gap-3">
            <output
              aria-label={t('codeTitle')}
              data-testid="guest-code"
              className="font-mono text-4xl font-bold tracking-[0.18em] text-foreground"
            >
              {code}
            </output>
            <Button variant="outline" size="icon" onClick={copy} aria-label={tc('copy')}>
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            </Button>
          </div>
          <p className="text-center text-xs text-muted-foreground" role="status">
            {copied ? t('copied') : t('codeHint')}
          </p>
        </div>
      ) : (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {t('codeLost')}
        </p>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted-foreground">{t('soldCol')}</dt>
        <dd className="tabular font-semibold">
          {formatMoney(ticket.soldMinor, currency, locale)} · {tm(`methods.${ticket.paymentMethod}`)}
        </dd>
        <dt className="text-muted-foreground">{t('buys')}</dt>
        <dd>
          <TimeByZone ticket={ticket} className="flex-col" />
        </dd>
        <dt className="text-muted-foreground">{t('expiresCol')}</dt>
        <dd className="tabular">{formatDateTime(ticket.expiresAt, locale, timeZone)}</dd>
      </dl>
    </div>
  );
}

/**
 * Sell a ticket: amount and payment method → the code. The Idempotency-Key lives while the dialog
 * is open, so a retry after a network error never sells twice (and still shows the code).
 */
export function SellTicketDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const t = useTranslations('guestTickets');
  const tm = useTranslations('money');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId, currency } = useLanCenter();
  const qc = useQueryClient();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<TenderMethod>('CASH');
  const [reference, setReference] = useState('');
  const [validity, setValidity] = useState<(typeof validities)[number]>('24');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [sale, setSale] = useState<GuestTicketSale | null>(null);
  const key = useRef('');

  useEffect(() => {
    if (!open) return;
    key.current = newIdempotencyKey();
    setAmount('');
    setMethod('CASH');
    setReference('');
    setValidity('24');
    setFieldError(null);
    setError(null);
    setSale(null);
  }, [open]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (saving || !currentId) return;
    const minor = parseMoney(amount, currency);
    if (!minor || minor <= 0) return setFieldError(tm('amountInvalid'));
    setFieldError(null);
    setError(null);
    setSaving(true);
    try {
      const result = await api<GuestTicketSale>(paths.guestTicketSell(), {
        method: 'POST',
        idempotencyKey: key.current,
        body: {
          lanCenterId: currentId,
          amountMinor: minor,
          paymentMethod: method,
          validForHours: Number(validity),
          ...(reference.trim() ? { reference: reference.trim() } : {}),
        },
      });
      setSale(result);
      await invalidateMoney(qc, currentId);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={sale ? t('sold', { amount: formatMoney(sale.ticket.soldMinor, currency, locale) }) : t('sellTitle')}
      description={sale ? undefined : t('sellHint')}
      dismissible={!saving}
      className="max-w-md"
      footer={
        sale ? (
          <Button onClick={() => onOpenChange(false)}>{tc('done')}</Button>
        ) : (
          <>
            <Button variant="outline" onClick={() => onOpenChange(false)} disabled={saving}>
              {tc('cancel')}
            </Button>
            <Button type="submit" form="sell-ticket-form" loading={saving}>
              {t('sellSubmit')}
            </Button>
          </>
        )
      }
    >
      {sale ? (
        <SoldTicket sale={sale} />
      ) : (
        <form id="sell-ticket-form" onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
          <ErrorAlert error={error} />
          <Field label={tm('amount')} error={fieldError ?? undefined} required>
            <MoneyInput
              autoFocus
              symbol={currencySymbol(currency, locale)}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              name="amount"
            />
          </Field>
          <QuickAmounts amounts={[300, 500, 1000, 2000]} currency={currency} locale={locale} onPick={setAmount} />
          <PaymentMethodPicker value={method} onChange={setMethod} />
          {method !== 'CASH' && (
            <Field label={tm('reference')} hint={tm('referenceHint')}>
              <Input value={reference} onChange={(e) => setReference(e.target.value)} maxLength={120} />
            </Field>
          )}
          <Field label={t('validity')}>
            <Select
              name="validity"
              value={validity}
              onChange={(e) => setValidity(e.target.value as (typeof validities)[number])}
            >
              {validities.map((v) => (
                <option key={v} value={v}>
                  {t(`validityOptions.${v}`)}
                </option>
              ))}
            </Select>
          </Field>
        </form>
      )}
    </Dialog>
  );
}
