'use client';

import { type Pc, type PcCommand } from '@econtrol/contracts';
import { useMutation } from '@tanstack/react-query';
import { Lock, MessageSquare, Power, RotateCcw, Unlock } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { api } from '@/lib/api';
import { isManager, useAuth } from '@/lib/auth';
import { paths } from '@/lib/org-api';

type Kind = PcCommand['type'];

const commands: { key: Kind; icon: typeof Lock }[] = [
  { key: 'lock', icon: Lock },
  { key: 'unlock', icon: Unlock },
  { key: 'message', icon: MessageSquare },
  { key: 'restart', icon: RotateCcw },
  { key: 'shutdown', icon: Power },
];

/** Lock, unlock (manager, with a reason), message, restart, shutdown: acknowledged by the PC's agent. */
export function RemoteCommands({ pc }: { pc: Pc }) {
  const t = useTranslations('floor');
  const tc = useTranslations('common');
  const toast = useToast();
  const { user } = useAuth();
  const manager = isManager(user);
  const [pending, setPending] = useState<Kind | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setPending(null);
    setText('');
    setError(null);
  }, [pc.id]);

  const send = useMutation({
    mutationFn: (command: PcCommand) =>
      api<{ ok: true; ackedAt: string }>(paths.pcCommand(pc.id), { method: 'POST', body: command }),
    onMutate: () => setError(null),
    onSuccess: (_res, command) => {
      toast({
        tone: 'success',
        title: t('commandSent', { action: t(`action.${command.type}`), pc: pc.name }),
      });
      setPending(null);
      setText('');
    },
    onError: (e) => setError(e),
  });

  const unavailable = !pc.requiresAgent || pc.status === 'OFFLINE';
  // Offline PCs: the dialog already says why above; agentless stations get their own hint.
  const hint = !pc.requiresAgent ? t('noAgent') : null;

  const build = (kind: Kind): PcCommand | null => {
    const v = text.trim();
    switch (kind) {
      case 'lock':
        return v ? { type: 'lock', message: v } : { type: 'lock' };
      case 'unlock':
        return v.length >= 3 ? { type: 'unlock', reason: v } : null;
      case 'message':
        return v ? { type: 'message', text: v } : null;
      case 'shutdown':
        return { type: 'shutdown' };
      case 'restart':
        return { type: 'restart' };
    }
  };
  const ready = pending ? build(pending) : null;
  const destructive = pending === 'shutdown' || pending === 'restart';

  return (
    <section aria-label={t('remote')} className="space-y-2">
      <h3 className="text-xs font-medium text-muted-foreground">{t('remote')}</h3>
      <div className="grid grid-cols-5 gap-2">
        {commands.map((a) => {
          const forbidden = a.key === 'unlock' && !manager;
          return (
            <Button
              key={a.key}
              variant={pending === a.key ? 'default' : 'outline'}
              size="sm"
              disabled={unavailable || forbidden || send.isPending}
              title={forbidden ? t('managerOnly') : t(`action.${a.key}`)}
              aria-pressed={pending === a.key}
              onClick={() => {
                setError(null);
                setText('');
                setPending(pending === a.key ? null : a.key);
              }}
            >
              <a.icon aria-hidden />
              <span className="sr-only">{t(`action.${a.key}`)}</span>
            </Button>
          );
        })}
      </div>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {pending && (
        <form
          className={
            destructive
              ? 'space-y-3 rounded-lg border border-red-200 bg-red-50/50 p-3'
              : 'space-y-3 rounded-lg border border-border p-3'
          }
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) send.mutate(ready);
          }}
        >
          {pending === 'message' || pending === 'unlock' || pending === 'lock' ? (
            <label className="block space-y-1 text-sm">
              <span className="font-medium">
                {pending === 'message'
                  ? t('messageLabel')
                  : pending === 'unlock'
                    ? t('unlockReason')
                    : t('lockMessage')}
              </span>
              <Input
                autoFocus
                value={text}
                onChange={(e) => setText(e.target.value)}
                maxLength={pending === 'unlock' ? 200 : 500}
                placeholder={pending === 'message' ? t('messagePlaceholder') : undefined}
                name="command-text"
              />
            </label>
          ) : null}
          {pending !== 'message' && (
            <p className="text-sm font-medium">{t(`confirmCommand.${pending}`, { pc: pc.name })}</p>
          )}
          <ErrorAlert error={error} />
          <div className="flex justify-end gap-2">
            <Button
              type="button"
              variant="outline"
              onClick={() => setPending(null)}
              disabled={send.isPending}
            >
              {tc('cancel')}
            </Button>
            <Button
              type="submit"
              variant={destructive ? 'destructive' : 'default'}
              disabled={!ready}
              loading={send.isPending}
            >
              {pending === 'message' ? t('send') : t(`action.${pending}`)}
            </Button>
          </div>
        </form>
      )}
      {!pending && <ErrorAlert error={error} />}
    </section>
  );
}
