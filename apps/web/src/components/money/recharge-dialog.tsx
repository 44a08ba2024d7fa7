'use client';

import { type Customer } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatMoney, parseMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { invalidateMoney, newIdempotencyKey } from '@/lib/money-api';
import { paths } from '@/lib/org-api';
import { currencySymbol, MoneyInput, QuickAmounts } from './money-input';
import { PaymentMethodPicker, type TenderMethod } from './payment-method-picker';

/**
 * Top up a customer's balance. The Idempotency-Key is created when the dialog opens and kept
 * until it closes, so a double click or a retry after a network error never charges twice.
 */
export function RechargeDialog({
  customer,
  open,
  onOpenChange,
}: {
  customer: Pick<Customer, 'id' | 'name'>;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const t = useTranslations('money');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId, currency } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<TenderMethod>('CASH');
  const [reference, setReference] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const key = useRef<string>('');
  const inFlight = useRef(false);

  useEffect(() => {
    if (!open) return;
    key.current = newIdempotencyKey();
    setAmount('');
    setMethod('CASH');
    setReference('');
    setFieldError(null);
    setError(null);
  }, [open]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (inFlight.current || !currentId) return;
    const minor = parseMoney(amount, currency);
    if (!minor || minor <= 0) {
      setFieldError(t('amountInvalid'));
      return;
    }
    setFieldError(null);
    setError(null);
    inFlight.current = true;
    setSaving(true);
    try {
      await api(paths.recharges(customer.id), {
        method: 'POST',
        idempotencyKey: key.current,
        body: {
          lanCenterId: currentId,
          amountMinor: minor,
          paymentMethod: method,
          ...(reference.trim() ? { reference: reference.trim() } : {}),
        },
      });
      await invalidateMoney(qc, currentId);
      toast({
        tone: 'success',
        title: t('recharged', { amount: formatMoney(minor, currency, locale), name: customer.name }),
      });
      onOpenChange(false);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setSaving(false);
    }
  };

  const quick = [500, 1000, 2000, 5000];
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('rechargeTitle')}
      description={customer.name}
      dismissible={!saving}
      className="max-w-md"
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={saving}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="recharge-form" loading={saving}>
            {t('rechargeSubmit')}
          </Button>
        </>
      }
    >
      <form id="recharge-form" onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
        <ErrorAlert error={error} />
        <Field label={t('amount')} error={fieldError ?? undefined} required>
          <MoneyInput
            autoFocus
            symbol={currencySymbol(currency, locale)}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            name="amount"
          />
        </Field>
        <QuickAmounts amounts={quick} currency={currency} locale={locale} onPick={setAmount} />
        <PaymentMethodPicker value={method} onChange={setMethod} />
        {method !== 'CASH' && (
          <Field label={t('reference')} hint={t('referenceHint')}>
            <Input value={reference} onChange={(e) => setReference(e.target.value)} maxLength={120} />
          </Field>
        )}
      </form>
    </Dialog>
  );
}
