/**
 * Process guard (S13). Every ≤ 1 s, and immediately at start:
 * - kills every process whose name is on the block list (any time, any user);
 * - while the PC is locked (no session, paused, resuming), kills every process of the customer's
 *   desktop session that is not on the allow list. "Customer's desktop session" is a
 *   {@link GuardScope}: on Linux the gamer's uid and/or the descendants of given root pids; on
 *   Windows the interactive sessions (session id ≠ 0).
 * It never kills itself, its ancestors, pid ≤ 2/4, kernel threads or OS-critical processes
 * (`ProcessInfo.system`). Kills are reported coalesced per name (≤ 1 event per name per minute).
 */
import { normalizeProcessName, type Platform, type ProcessInfo } from '../platform/platform.js';

export interface GuardRules {
  blockList: readonly string[];
  allowList: readonly string[];
  enforceAllowListWhenLocked: boolean;
}

export interface GuardScope {
  /** Linux: processes owned by this uid belong to the customer's session. */
  uid?: number;
  /** Processes descending from these pids belong to the customer's session (the roots themselves too). */
  rootPids?: readonly number[];
  /** Windows: any interactive session (session id > 0). */
  interactiveSessions?: boolean;
}

export type KillRule = 'block_list' | 'not_allowed_while_locked';

export interface KillReport {
  pid: number;
  name: string;
  rule: KillRule;
}

export interface ProcessGuardOptions {
  platform: Platform;
  rules: GuardRules;
  scope: GuardScope;
  isLocked: () => boolean;
  intervalMs?: number;
  /** Called once per name per `reportEveryMs` with the number of kills since the last report. */
  onKilled?: (name: string, rule: KillRule, count: number) => void;
  reportEveryMs?: number;
  selfPid?: number;
  log?: (msg: string) => void;
}

/** The normalized names of a process (name and aliases). */
export function namesOf(p: ProcessInfo): string[] {
  return [p.name, ...p.aliases].map(normalizeProcessName);
}

/** Pure decision for one process; `protectedPids` = self and ancestors. */
export function decide(
  p: ProcessInfo,
  ctx: {
    block: Set<string>;
    allow: Set<string>;
    locked: boolean;
    enforceAllow: boolean;
    inScope: boolean;
    protectedPids: Set<number>;
  },
  names: readonly string[] = namesOf(p),
): KillRule | null {
  if (p.system || p.pid <= 2 || ctx.protectedPids.has(p.pid)) return null;
  if (names.some((n) => ctx.block.has(n))) return 'block_list';
  if (ctx.locked && ctx.enforceAllow && ctx.inScope && !names.some((n) => ctx.allow.has(n)))
    return 'not_allowed_while_locked';
  return null;
}

export class ProcessGuard {
  private rules: GuardRules;
  private block = new Set<string>();
  private allow = new Set<string>();
  /** Platforms hand back the same ProcessInfo object while a process is unchanged. */
  private readonly names = new WeakMap<ProcessInfo, string[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<KillReport[]> | null = null;
  private readonly pending = new Map<string, { rule: KillRule; count: number; lastReport: number }>();
  readonly selfPid: number;
  killsTotal = 0;

  constructor(private readonly o: ProcessGuardOptions) {
    this.rules = o.rules;
    this.updateRules(o.rules);
    this.selfPid = o.selfPid ?? process.pid;
  }

  updateRules(rules: GuardRules): void {
    this.rules = rules;
    this.block = new Set(rules.blockList.map(normalizeProcessName));
    this.allow = new Set(rules.allowList.map(normalizeProcessName));
  }

  /** Sweeps now, then every interval. */
  start(): Promise<KillReport[]> {
    if (!this.timer) {
      this.timer = setInterval(() => void this.sweep(), this.o.intervalMs ?? 1000);
      this.timer.unref();
    }
    return this.sweep();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; concurrent calls share the running pass. */
  sweep(): Promise<KillReport[]> {
    if (this.running) return this.running;
    this.running = this.doSweep().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async doSweep(): Promise<KillReport[]> {
    let procs: ProcessInfo[];
    try {
      procs = await this.o.platform.listProcesses();
    } catch (error) {
      this.o.log?.(`guard: cannot list processes: ${(error as Error).message}`);
      return [];
    }
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const protectedPids = ancestors(this.selfPid, byPid);
    protectedPids.add(process.ppid);
    const ctx = {
      block: this.block,
      allow: this.allow,
      locked: this.o.isLocked(),
      enforceAllow: this.rules.enforceAllowListWhenLocked && this.rules.allowList.length > 0,
      inScope: false,
      protectedPids,
    };
    const roots = this.o.scope.rootPids?.length ? new Set(this.o.scope.rootPids) : null;
    const kills: KillReport[] = [];
    for (const p of procs) {
      ctx.inScope = this.inScope(p, byPid, roots);
      let names = this.names.get(p);
      if (!names) this.names.set(p, (names = namesOf(p)));
      const rule = decide(p, ctx, names);
      if (!rule) continue;
      if (await this.o.platform.killProcess(p.pid)) {
        kills.push({ pid: p.pid, name: p.name, rule });
        this.killsTotal++;
        this.o.log?.(`guard: killed ${p.name} (pid ${p.pid}, ${rule})`);
      }
    }
    this.report(kills);
    return kills;
  }

  private inScope(p: ProcessInfo, byPid: Map<number, ProcessInfo>, roots: Set<number> | null): boolean {
    const s = this.o.scope;
    if (s.interactiveSessions && p.sessionId !== undefined && p.sessionId > 0) return true;
    if (s.uid !== undefined && p.uid === s.uid && !roots) return true;
    if (roots) {
      if (s.uid !== undefined && p.uid !== s.uid) return false;
      let cur: ProcessInfo | undefined = p;
      for (let depth = 0; cur && depth < 64; depth++) {
        if (roots.has(cur.pid)) return true;
        cur = byPid.get(cur.ppid);
      }
    }
    return false;
  }

  private report(kills: KillReport[]): void {
    const now = Date.now();
    const every = this.o.reportEveryMs ?? 60_000;
    for (const k of kills) {
      const key = normalizeProcessName(k.name);
      const e = this.pending.get(key);
      if (e) e.count++;
      else this.pending.set(key, { rule: k.rule, count: 1, lastReport: 0 });
    }
    for (const [name, e] of this.pending) {
      if (e.count > 0 && now - e.lastReport >= every) {
        this.o.onKilled?.(name, e.rule, e.count);
        e.count = 0;
        e.lastReport = now;
      } else if (e.count === 0 && now - e.lastReport >= every) {
        this.pending.delete(name);
      }
    }
  }
}

function ancestors(pid: number, byPid: Map<number, ProcessInfo>): Set<number> {
  const out = new Set<number>([pid]);
  let cur = byPid.get(pid);
  for (let depth = 0; cur && depth < 64; depth++) {
    out.add(cur.ppid);
    cur = byPid.get(cur.ppid);
  }
  return out;
}
