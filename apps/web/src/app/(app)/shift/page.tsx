'use client';

import { type PaymentMethod, type ShiftDto } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Landmark, Lock, Printer } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { currencySymbol, MoneyInput } from '@/components/money/money-input';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatDateTime, formatMoney, parseMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { moneyKeys, useCurrentShift } from '@/lib/money-api';
import { paths } from '@/lib/org-api';
import { cn } from '@/lib/utils';

function useMoney() {
  const locale = useLocale();
  const { currency } = useLanCenter();
  return {
    fmt: (m: number) => formatMoney(m, currency, locale),
    parse: (s: string) => parseMoney(s, currency),
    symbol: currencySymbol(currency, locale),
  };
}

function OpenShiftCard() {
  const t = useTranslations('shift');
  const { currentId } = useLanCenter();
  const { parse, symbol } = useMoney();
  const qc = useQueryClient();
  const toast = useToast();
  const [float, setFloat] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!currentId || saving) return;
    const minor = float.trim() === '' ? 0 : parse(float);
    if (minor === null) return setFieldError(t('amountInvalid'));
    setFieldError(null);
    setError(null);
    setSaving(true);
    try {
      const shift = await api<ShiftDto>(paths.shiftOpen(), {
        method: 'POST',
        body: { lanCenterId: currentId, openingFloatMinor: minor },
      });
      qc.setQueryData(moneyKeys.currentShift(currentId), shift);
      toast({ tone: 'success', title: t('opened') });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card className="max-w-md">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Landmark className="size-4 text-primary" aria-hidden />
          {t('closed')}
        </CardTitle>
        <CardDescription>{t('closedHint')}</CardDescription>
      </CardHeader>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <CardContent className="space-y-4">
          <ErrorAlert error={error} />
          <Field label={t('float')} hint={t('floatHint')} error={fieldError ?? undefined}>
            <MoneyInput
              symbol={symbol}
              value={float}
              onChange={(e) => setFloat(e.target.value)}
              placeholder="0.00"
              name="float"
            />
          </Field>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={saving}>
            {t('open')}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function Row({
  label,
  value,
  strong,
  tone,
}: {
  label: string;
  value: string;
  strong?: boolean;
  tone?: string;
}) {
  return (
    <div className={cn('flex items-center justify-between py-1.5 text-sm', strong && 'font-semibold')}>
      <dt className={strong ? '' : 'text-muted-foreground'}>{label}</dt>
      <dd className={cn('tabular', tone)}>{value}</dd>
    </div>
  );
}

function Totals({ shift }: { shift: ShiftDto }) {
  const t = useTranslations('shift');
  const tm = useTranslations('money');
  const { fmt } = useMoney();
  const methods = Object.entries(shift.totals.byMethod).filter(([, v]) => v !== 0);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>{t('cash')}</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="divide-y divide-border" data-testid="shift-cash">
            <Row label={t('float')} value={fmt(shift.openingFloatMinor)} />
            <Row label={t('cashIn')} value={fmt(shift.totals.cashInMinor)} tone="text-emerald-700" />
            <Row
              label={t('cashOut')}
              value={fmt(shift.totals.cashOutMinor === 0 ? 0 : -shift.totals.cashOutMinor)}
              tone="text-danger"
            />
            <Row label={t('expected')} value={fmt(shift.expectedCashMinor)} strong />
            {shift.countedCashMinor !== null && (
              <Row label={t('counted')} value={fmt(shift.countedCashMinor)} strong />
            )}
            {shift.differenceMinor !== null && (
              <Row
                label={t('difference')}
                value={fmt(shift.differenceMinor)}
                strong
                tone={shift.differenceMinor === 0 ? 'text-emerald-700' : 'text-danger'}
              />
            )}
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t('byMethod')}</CardTitle>
          <CardDescription>{t('transactions', { count: shift.totals.transactions })}</CardDescription>
        </CardHeader>
        <CardContent>
          {methods.length === 0 ? (
            <p className="text-sm text-muted-foreground">{t('noMovements')}</p>
          ) : (
            <dl className="divide-y divide-border" data-testid="shift-methods">
              {methods.map(([m, v]) => (
                <Row key={m} label={tm(`methods.${m as PaymentMethod}`)} value={fmt(v)} />
              ))}
            </dl>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function CloseShiftDialog({
  shift,
  open,
  onOpenChange,
  onClosed,
}: {
  shift: ShiftDto;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onClosed: (s: ShiftDto) => void;
}) {
  const t = useTranslations('shift');
  const tc = useTranslations('common');
  const { fmt, parse, symbol } = useMoney();
  const [counted, setCounted] = useState('');
  const [notes, setNotes] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const inFlight = useRef(false);

  useEffect(() => {
    if (!open) return;
    setCounted('');
    setNotes('');
    setFieldError(null);
    setError(null);
  }, [open]);

  const countedMinor = counted.trim() === '' ? null : parse(counted);
  const diff = countedMinor === null ? null : countedMinor - shift.expectedCashMinor;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (inFlight.current) return;
    if (countedMinor === null) return setFieldError(t('countRequired'));
    setFieldError(null);
    setError(null);
    inFlight.current = true;
    setSaving(true);
    try {
      const closed = await api<ShiftDto>(paths.shiftClose(shift.id), {
        method: 'POST',
        body: { countedCashMinor: countedMinor, ...(notes.trim() ? { notes: notes.trim() } : {}) },
      });
      onClosed(closed);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('closeTitle')}
      description={t('closeHint')}
      dismissible={!saving}
      className="max-w-md"
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={saving}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="close-shift" loading={saving}>
            <Lock aria-hidden />
            {t('close')}
          </Button>
        </>
      }
    >
      <form id="close-shift" onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
        <ErrorAlert error={error} />
        <dl className="rounded-lg border border-border bg-muted/40 px-4 py-2">
          <Row label={t('expected')} value={fmt(shift.expectedCashMinor)} strong />
          <Row
            label={t('difference')}
            value={diff === null ? '—' : fmt(diff)}
            strong
            tone={diff === null ? '' : diff === 0 ? 'text-emerald-700' : 'text-danger'}
          />
        </dl>
        <Field label={t('counted')} hint={t('countedHint')} error={fieldError ?? undefined} required>
          <MoneyInput
            autoFocus
            symbol={symbol}
            value={counted}
            onChange={(e) => setCounted(e.target.value)}
            name="counted"
          />
        </Field>
        {diff !== null && diff !== 0 && (
          <p className="text-sm font-medium text-danger" role="status">
            {diff > 0 ? t('over', { amount: fmt(diff) }) : t('short', { amount: fmt(-diff) })}
          </p>
        )}
        <Field label={t('notes')}>
          <Textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={500} />
        </Field>
      </form>
    </Dialog>
  );
}

export default function ShiftPage() {
  const t = useTranslations('shift');
  const locale = useLocale();
  const { currentId, timeZone } = useLanCenter();
  const qc = useQueryClient();
  const current = useCurrentShift(currentId);
  const [closing, setClosing] = useState(false);
  const [report, setReport] = useState<ShiftDto | null>(null);
  const shift = report ?? current.data ?? null;

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('subtitle')}
        actions={
          shift && (
            <Badge variant={shift.status === 'OPEN' ? 'success' : 'neutral'} className="text-sm">
              {shift.status === 'OPEN' ? t('statusOpen') : t('statusClosed')}
            </Badge>
          )
        }
      />
      <ErrorAlert error={current.error} onRetry={() => void current.refetch()} />
      {current.isPending ? (
        <Skeleton className="h-64" />
      ) : current.error ? null : !shift ? (
        <OpenShiftCard />
      ) : (
        <>
          <p className="text-sm text-muted-foreground">
            {t('openedBy', {
              name: shift.cashierName,
              at: formatDateTime(shift.openedAt, locale, timeZone),
            })}
            {shift.closedAt &&
              ` · ${t('closedAt', { at: formatDateTime(shift.closedAt, locale, timeZone) })}`}
          </p>
          <Totals shift={shift} />
          {shift.notes && <p className="text-sm">{shift.notes}</p>}
          <div className="flex gap-2">
            {shift.status === 'OPEN' ? (
              <Button onClick={() => setClosing(true)}>
                <Lock aria-hidden />
                {t('close')}
              </Button>
            ) : (
              <>
                <Button variant="outline" onClick={() => window.print()}>
                  <Printer aria-hidden />
                  {t('print')}
                </Button>
                <Button
                  onClick={() => {
                    setReport(null);
                    void qc.invalidateQueries({ queryKey: ['shift'] });
                  }}
                >
                  {t('openNew')}
                </Button>
              </>
            )}
          </div>
          {shift.status === 'OPEN' && (
            <CloseShiftDialog
              shift={shift}
              open={closing}
              onOpenChange={setClosing}
              onClosed={(s) => {
                setClosing(false);
                setReport(s);
                if (currentId) qc.setQueryData(moneyKeys.currentShift(currentId), null);
                void qc.invalidateQueries({ queryKey: ['transactions'] });
              }}
            />
          )}
        </>
      )}
    </>
  );
}
