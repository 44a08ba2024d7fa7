'use client';

import { type TariffInput, type Zone } from '@econtrol/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { currencySymbol, MoneyInput } from '@/components/money/money-input';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { formatMoney, parseMoney } from '@/lib/format';
import { useLanCenter } from '@/lib/lan-center';
import { moneyKeys, useTariff } from '@/lib/money-api';
import { paths } from '@/lib/org-api';
import { cn } from '@/lib/utils';

interface RuleDraft {
  id: string;
  name: string;
  days: number[];
  start: string;
  end: string;
  mode: 'rate' | 'discount';
  rate: string;
  discount: string;
}

const toText = (minor: number | null | undefined, currency: string): string =>
  minor === null || minor === undefined
    ? ''
    : String(minor / 10 ** (currency === 'CLP' || currency === 'PYG' ? 0 : 2));

/** Guest/member rate per hour, minimum charge, granularity and time-of-day rules of one zone. */
export function TariffDialog({ zone, onClose }: { zone: Zone | null; onClose: () => void }) {
  const t = useTranslations('settings.tariff');
  const tc = useTranslations('common');
  const locale = useLocale();
  const { currency } = useLanCenter();
  const tariff = useTariff(zone?.id ?? null);
  const qc = useQueryClient();
  const toast = useToast();
  const symbol = currencySymbol(currency, locale);
  const [name, setName] = useState('Tarifa');
  const [rate, setRate] = useState('');
  const [memberRate, setMemberRate] = useState('');
  const [minimum, setMinimum] = useState('');
  const [granularity, setGranularity] = useState<'minute' | 'second'>('minute');
  const [rules, setRules] = useState<RuleDraft[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!zone || tariff.isPending) return;
    const tr = tariff.data;
    setName(tr?.name ?? 'Tarifa');
    setRate(toText(tr?.ratePerHourMinor, currency));
    setMemberRate(toText(tr?.memberRatePerHourMinor, currency));
    setMinimum(tr?.minimumChargeMinor ? toText(tr.minimumChargeMinor, currency) : '');
    setGranularity(tr?.granularity ?? 'minute');
    setRules(
      (tr?.rules ?? []).map((r) => ({
        id: r.id,
        name: r.name,
        days: r.days,
        start: r.start,
        end: r.end,
        mode: r.discountPercent !== undefined ? 'discount' : 'rate',
        rate: toText(r.ratePerHourMinor, currency),
        discount: r.discountPercent !== undefined ? String(r.discountPercent) : '',
      })),
    );
    setProblems({});
    setError(null);
  }, [zone, tariff.isPending, tariff.data, currency]);

  const weekdays = Array.from({ length: 7 }, (_, d) =>
    new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'es-419', {
      weekday: 'narrow',
      timeZone: 'UTC',
    }).format(new Date(Date.UTC(2023, 0, 1 + d))),
  );

  const update = (i: number, patch: Partial<RuleDraft>) =>
    setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!zone || saving) return;
    const p: Record<string, string> = {};
    const rateMinor = parseMoney(rate, currency);
    if (rateMinor === null) p.rate = t('amountInvalid');
    const memberMinor = memberRate.trim() ? parseMoney(memberRate, currency) : undefined;
    if (memberMinor === null) p.memberRate = t('amountInvalid');
    const minMinor = minimum.trim() ? parseMoney(minimum, currency) : 0;
    if (minMinor === null) p.minimum = t('amountInvalid');
    const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
    const outRules: TariffInput['rules'] = [];
    rules.forEach((r, i) => {
      if (!r.name.trim()) p[`rule${i}`] = t('ruleNameRequired');
      if (!hhmm.test(r.start) || !hhmm.test(r.end)) p[`rule${i}`] = t('ruleTimeInvalid');
      const rRate = r.mode === 'rate' ? parseMoney(r.rate, currency) : undefined;
      const disc = r.mode === 'discount' ? Number(r.discount) : undefined;
      if (r.mode === 'rate' && rRate === null) p[`rule${i}`] = t('amountInvalid');
      if (r.mode === 'discount' && (!Number.isInteger(disc) || (disc ?? -1) < 0 || (disc ?? 101) > 100))
        p[`rule${i}`] = t('discountInvalid');
      outRules.push({
        id: r.id,
        name: r.name.trim(),
        days: r.days,
        start: r.start,
        end: r.end,
        ...(rRate !== undefined && rRate !== null ? { ratePerHourMinor: rRate } : {}),
        ...(disc !== undefined ? { discountPercent: disc } : {}),
      });
    });
    setProblems(p);
    if (Object.keys(p).length > 0 || rateMinor === null || minMinor === null || memberMinor === null) return;
    const body: TariffInput = {
      name: name.trim() || 'Tarifa',
      ratePerHourMinor: rateMinor,
      ...(memberMinor !== undefined ? { memberRatePerHourMinor: memberMinor } : {}),
      granularity,
      minimumChargeMinor: minMinor,
      rules: outRules,
    };
    setSaving(true);
    setError(null);
    try {
      const saved = await api(paths.tariff(zone.id), { method: 'PUT', body });
      qc.setQueryData(moneyKeys.tariff(zone.id), saved);
      toast({ tone: 'success', title: t('saved', { zone: zone.name }) });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={!!zone}
      onOpenChange={(o) => !o && onClose()}
      title={t('title', { zone: zone?.name ?? '' })}
      description={t('hint')}
      dismissible={!saving}
      className="max-w-2xl"
      footer={
        <>
          <Button variant="outline" onClick={onClose} disabled={saving}>
            {tc('cancel')}
          </Button>
          <Button type="submit" form="tariff-form" loading={saving} disabled={tariff.isPending}>
            {tc('save')}
          </Button>
        </>
      }
    >
      {tariff.isPending ? (
        <Skeleton className="h-48" />
      ) : (
        <form id="tariff-form" onSubmit={(e) => void submit(e)} noValidate className="space-y-5">
          <ErrorAlert error={error ?? tariff.error} />
          <div className="grid grid-cols-2 gap-4">
            <Field label={t('name')} className="col-span-2">
              <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
            </Field>
            <Field label={t('rate')} hint={t('rateHint')} error={problems.rate} required>
              <MoneyInput
                symbol={symbol}
                value={rate}
                onChange={(e) => setRate(e.target.value)}
                name="rate"
              />
            </Field>
            <Field label={t('memberRate')} hint={t('memberRateHint')} error={problems.memberRate}>
              <MoneyInput
                symbol={symbol}
                value={memberRate}
                onChange={(e) => setMemberRate(e.target.value)}
                name="memberRate"
              />
            </Field>
            <Field label={t('minimum')} hint={t('minimumHint')} error={problems.minimum}>
              <MoneyInput
                symbol={symbol}
                value={minimum}
                onChange={(e) => setMinimum(e.target.value)}
                name="minimum"
              />
            </Field>
            <Field label={t('granularity')}>
              <Select
                value={granularity}
                onChange={(e) => setGranularity(e.target.value as 'minute' | 'second')}
              >
                <option value="minute">{t('perMinute')}</option>
                <option value="second">{t('perSecond')}</option>
              </Select>
            </Field>
          </div>
          <fieldset className="space-y-2">
            <div className="flex items-center justify-between">
              <legend className="text-sm font-semibold">{t('rules')}</legend>
              <Button
                size="sm"
                variant="outline"
                onClick={() =>
                  setRules((rs) => [
                    ...rs,
                    {
                      id: `r${Date.now().toString(36)}`,
                      name: rs.length === 0 ? t('nightName') : '',
                      days: [],
                      start: '22:00',
                      end: '06:00',
                      mode: 'rate',
                      rate: '',
                      discount: '',
                    },
                  ])
                }
              >
                <Plus aria-hidden />
                {t('addRule')}
              </Button>
            </div>
            {rules.length === 0 && <p className="text-sm text-muted-foreground">{t('noRules')}</p>}
            {rules.map((r, i) => (
              <div
                key={r.id}
                className="space-y-2 rounded-lg border border-border p-3"
                data-testid="tariff-rule"
              >
                <div className="flex flex-wrap items-end gap-2">
                  <Field label={t('ruleName')} className="min-w-40 flex-1">
                    <Input value={r.name} onChange={(e) => update(i, { name: e.target.value })} />
                  </Field>
                  <Field label={t('start')}>
                    <Input
                      type="time"
                      value={r.start}
                      onChange={(e) => update(i, { start: e.target.value })}
                      className="w-28"
                    />
                  </Field>
                  <Field label={t('end')}>
                    <Input
                      type="time"
                      value={r.end}
                      onChange={(e) => update(i, { end: e.target.value })}
                      className="w-28"
                    />
                  </Field>
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={t('removeRule')}
                    onClick={() => setRules((rs) => rs.filter((_, j) => j !== i))}
                  >
                    <Trash2 aria-hidden />
                  </Button>
                </div>
                <div className="flex flex-wrap items-center gap-3">
                  <div role="group" aria-label={t('days')} className="flex gap-1">
                    {weekdays.map((w, d) => {
                      const on = r.days.includes(d);
                      return (
                        <button
                          key={d}
                          type="button"
                          aria-pressed={on}
                          title={t('days')}
                          onClick={() =>
                            update(i, { days: on ? r.days.filter((x) => x !== d) : [...r.days, d].sort() })
                          }
                          className={cn(
                            'size-7 rounded-md border text-xs font-medium',
                            on ? 'border-primary bg-primary/10 text-primary' : 'border-border hover:bg-muted',
                          )}
                        >
                          {w}
                        </button>
                      );
                    })}
                    <span className="ml-1 self-center text-xs text-muted-foreground">
                      {r.days.length === 0 ? t('everyDay') : ''}
                    </span>
                  </div>
                  <Select
                    value={r.mode}
                    onChange={(e) => update(i, { mode: e.target.value as RuleDraft['mode'] })}
                    className="w-40"
                    aria-label={t('ruleKind')}
                  >
                    <option value="rate">{t('ruleRate')}</option>
                    <option value="discount">{t('ruleDiscount')}</option>
                  </Select>
                  {r.mode === 'rate' ? (
                    <MoneyInput
                      symbol={symbol}
                      value={r.rate}
                      onChange={(e) => update(i, { rate: e.target.value })}
                      className="w-32"
                      aria-label={t('ruleRate')}
                    />
                  ) : (
                    <div className="flex items-center gap-1">
                      <Input
                        type="number"
                        min={0}
                        max={100}
                        value={r.discount}
                        onChange={(e) => update(i, { discount: e.target.value })}
                        className="w-20 text-right"
                        aria-label={t('ruleDiscount')}
                      />
                      <span className="text-sm">%</span>
                    </div>
                  )}
                </div>
                {problems[`rule${i}`] && (
                  <p className="text-xs font-medium text-danger">{problems[`rule${i}`]}</p>
                )}
              </div>
            ))}
          </fieldset>
          {rate && parseMoney(rate, currency) !== null && (
            <p className="text-xs text-muted-foreground">
              {t('example', {
                amount: formatMoney(Math.round((parseMoney(rate, currency) ?? 0) / 2), currency, locale),
              })}
            </p>
          )}
        </form>
      )}
    </Dialog>
  );
}
