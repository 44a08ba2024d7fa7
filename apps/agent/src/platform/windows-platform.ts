/**
 * Windows platform: every OS action is a command line run through an injectable {@link ExecFn}
 * (no shell), so the exact command lines are unit-tested on any OS.
 * - processes: `tasklist.exe /FO CSV /NH` (fast enough for a 1 s guard; session 0 = services)
 * - kill: `taskkill.exe /PID <n> /F`
 * - lock: state + overlay (the kiosk browser covers the desktop); optionally also
 *   `rundll32.exe user32.dll,LockWorkStation` (only where the Windows account can be unlocked
 *   by the customer, otherwise it strands the PC)
 * - shutdown / restart: `shutdown.exe /s /t 0` / `shutdown.exe /r /t 0` (dry-run unless enabled)
 * - logout cleanup: kill the customer's non-allowed processes, then PowerShell `Remove-Item` on the
 *   configured folders (Downloads, browser profiles…)
 */
import { nodeExec } from './exec.js';
import { normalizeProcessName, type ExecFn, type Platform, type ProcessInfo } from './platform.js';

export interface WindowsPlatformOptions {
  exec?: ExecFn;
  powerEnabled?: boolean;
  useLockWorkStation?: boolean;
  cleanupDirs?: readonly string[];
  cleanupKeep?: readonly string[];
  log?: (msg: string) => void;
}

/** Never touched, whatever the lists say. */
export const WINDOWS_PROTECTED = new Set(
  [
    'system',
    'system idle process',
    'registry',
    'smss',
    'csrss',
    'wininit',
    'winlogon',
    'services',
    'lsass',
    'lsaiso',
    'svchost',
    'fontdrvhost',
    'dwm',
    'memory compression',
    'secure system',
    'explorer',
    'sihost',
    'ctfmon',
    'conhost',
    'taskhostw',
    'runtimebroker',
    'startmenuexperiencehost',
    'searchhost',
    'shellexperiencehost',
    'textinputhost',
  ].map(normalizeProcessName),
);

export function parseTasklistCsv(stdout: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"'));
    if (cells.length < 4) continue;
    const [name = '', pidText = '', , sessionText = ''] = cells;
    const pid = Number(pidText);
    const sessionId = Number(sessionText);
    if (!Number.isInteger(pid)) continue;
    out.push({
      pid,
      ppid: 0,
      name,
      aliases: [name],
      sessionId: Number.isInteger(sessionId) ? sessionId : 0,
      system: pid <= 4 || sessionId === 0 || WINDOWS_PROTECTED.has(normalizeProcessName(name)),
    });
  }
  return out;
}

/** PowerShell single-quoted literal. */
export function psQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class WindowsPlatform implements Platform {
  readonly os = 'windows' as const;
  private locked = true;
  private readonly exec: ExecFn;

  constructor(private readonly o: WindowsPlatformOptions = {}) {
    this.exec = o.exec ?? nodeExec;
  }

  async listProcesses(): Promise<ProcessInfo[]> {
    const r = await this.exec('tasklist.exe', ['/FO', 'CSV', '/NH']);
    if (r.code !== 0) {
      this.o.log?.(`tasklist failed (${r.code}): ${r.stderr.trim()}`);
      return [];
    }
    return parseTasklistCsv(r.stdout);
  }

  async killProcess(pid: number): Promise<boolean> {
    if (!Number.isInteger(pid) || pid <= 4 || pid === process.pid || pid === process.ppid) return false;
    const r = await this.exec('taskkill.exe', ['/PID', String(pid), '/F']);
    return r.code === 0;
  }

  async lockDesktop(_reason: string): Promise<void> {
    this.locked = true;
    if (this.o.useLockWorkStation) await this.exec('rundll32.exe', ['user32.dll,LockWorkStation']);
  }

  unlockDesktop(): Promise<void> {
    // Windows cannot unlock a workstation programmatically; the overlay is what gets out of the way.
    this.locked = false;
    return Promise.resolve();
  }

  isLocked(): boolean {
    return this.locked;
  }

  shutdown(): Promise<void> {
    return this.power(['/s', '/t', '0'], 'shutdown');
  }

  restart(): Promise<void> {
    return this.power(['/r', '/t', '0'], 'restart');
  }

  async logoutCleanup(): Promise<void> {
    const keep = new Set((this.o.cleanupKeep ?? []).map(normalizeProcessName));
    for (const p of await this.listProcesses()) {
      if (p.system || keep.has(normalizeProcessName(p.name))) continue;
      await this.killProcess(p.pid);
    }
    const dirs = this.o.cleanupDirs ?? [];
    if (dirs.length > 0) {
      const script = dirs
        .map(
          (d) =>
            `Remove-Item -Path (Join-Path ${psQuote(d)} '*') -Recurse -Force -ErrorAction SilentlyContinue`,
        )
        .join('; ');
      await this.exec('powershell.exe', [
        '-NoProfile',
        '-NonInteractive',
        '-ExecutionPolicy',
        'Bypass',
        '-Command',
        script,
      ]);
    }
  }

  private async power(args: string[], what: string): Promise<void> {
    if (!this.o.powerEnabled) {
      this.o.log?.(`dry-run ${what}: shutdown.exe ${args.join(' ')}`);
      return;
    }
    await this.exec('shutdown.exe', args);
  }
}
