'use client';

import { type GuestTicket, type GuestTicketClosed } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { PaymentMethodPicker, type TenderMethod } from '@/components/money/payment-method-picker';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { invalidateMoney, newIdempotencyKey } from '@/lib/money-api';
import { paths } from '@/lib/org-api';

/** Close a ticket: the code stops working and what is left is given back (a refund in the shift). */
export function CloseTicketDialog({ ticket, onClose }: { ticket: GuestTicket | null; onClose: () => void }) {
  const t = useTranslations('guestTickets');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currentId, currency } = useLanCenter();
  const qc = useQueryClient();
  const toast = useToast();
  const [method, setMethod] = useState<TenderMethod>('CASH');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const key = useRef('');

  useEffect(() => {
    if (!ticket) return;
    key.current = newIdempotencyKey();
    setMethod('CASH');
    setReason('');
    setError(null);
  }, [ticket]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (saving || !ticket) return;
    setError(null);
    setSaving(true);
    try {
      const result = await api<GuestTicketClosed>(paths.guestTicketClose(ticket.id), {
        method: 'POST',
        idempotencyKey: key.current,
        body: { refundMethod: method, ...(reason.trim().length >= 3 ? { reason: reason.trim() } : {}) },
      });
      await invalidateMoney(qc, currentId);
      toast({
        tone: 'success',
        title:
          result.refundedMinor > 0
            ? t('closedRefund', { name: ticket.name, amount: formatMoney(result.refundedMinor, currency, locale) })
            : t('closed', { name: ticket.name }),
      });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const refund = Math.max(0, ticket?.balanceMinor ?? 0);
  return (
    <Dialog
      open={!!ticket}
      onOpenChange={(o) => !o && onClose()}
      title={t('closeTitle', { name: ticket?.name ?? '' })}
      description={t('closeHint')}
      dismissible={!saving}
      className="max-w-md"
      footer={
        <>
          <Button variant="outline" onClick={onClose} disabled={saving}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="close-ticket-form" variant="destructive" loading={saving}>
            {t('closeSubmit')}
          </Button>
        </>
      }
    >
      <form id="close-ticket-form" onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
        <ErrorAlert error={error} />
        <div className="flex items-baseline justify-between rounded-lg bg-muted px-4 py-3">
          <span className="text-sm text-muted-foreground">{t('refund')}</span>
          <span className="tabular text-2xl font-semibold" data-testid="refund-amount">
            {formatMoney(refund, currency, locale)}
          </span>
        </div>
        {refund > 0 && <PaymentMethodPicker value={method} onChange={setMethod} legend={t('refundMethod')} />}
        <Field label={t('reason')}>
          <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} name="reason" />
        </Field>
      </form>
    </Dialog>
  );
}
