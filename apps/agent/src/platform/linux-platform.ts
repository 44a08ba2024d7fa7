/**
 * Linux platform: processes from /proc, kill with SIGKILL, lock/unlock as state (+ optional
 * commands, e.g. to raise the kiosk browser showing the lock screen), power actions through a
 * configurable command that is a dry-run unless explicitly enabled (so a developer's machine never
 * powers off because a test sent `pc.shutdown`).
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nodeExec } from './exec.js';
import type { ExecFn, Platform, ProcessInfo } from './platform.js';

export interface LinuxPlatformOptions {
  exec?: ExecFn;
  procRoot?: string;
  /** Really run shutdown/restart commands (default false: log only). */
  powerEnabled?: boolean;
  shutdownCommand?: readonly string[];
  restartCommand?: readonly string[];
  lockCommand?: readonly string[];
  unlockCommand?: readonly string[];
  /** logoutCleanup: kill this uid's processes (the gamer account) and empty these folders. */
  cleanupUid?: number;
  cleanupDirs?: readonly string[];
  /** logoutCleanup keeps processes with these names (normalized). */
  cleanupKeep?: readonly string[];
  log?: (msg: string) => void;
}

interface Cached {
  startTime: string;
  info: ProcessInfo;
}

const PF_KTHREAD = 0x00200000;
/** A known pid's `stat` is read again every this many scans (a third of them per scan). */
const REVALIDATE_EVERY = 3;

/**
 * One small /proc file. readFileSync sees size 0 there and allocates 64 KB per call; this reuses
 * one buffer (`stat` and `cmdline` fit; a longer cmdline is cut, argv[0] is within it).
 */
const scratch = Buffer.allocUnsafe(8192);
function readProcFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return scratch.toString('latin1', 0, readSync(fd, scratch, 0, scratch.length, 0));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export class LinuxPlatform implements Platform {
  readonly os = 'linux' as const;
  private locked = true;
  private readonly cache = new Map<number, Cached>();
  private scans = 0;
  private readonly exec: ExecFn;
  private readonly procRoot: string;

  constructor(private readonly o: LinuxPlatformOptions = {}) {
    this.exec = o.exec ?? nodeExec;
    this.procRoot = o.procRoot ?? '/proc';
  }

  /**
   * Reads /proc. New pids are read fully; known ones are re-validated cheaply (one small read of
   * `stat`: catches exec() into another program and pid reuse), a third of them per scan so that
   * no scan does them all at once. Kernel threads are re-validated too: one that exits can hand its
   * pid to a user program between two scans, which must not inherit the kernel thread's exemption.
   */
  listProcesses(): Promise<ProcessInfo[]> {
    const slot = this.scans++ % REVALIDATE_EVERY;
    const seen = new Set<number>();
    const out: ProcessInfo[] = [];
    let entries: string[];
    try {
      entries = readdirSync(this.procRoot);
    } catch {
      return Promise.resolve([]);
    }
    for (const entry of entries) {
      const c = entry.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      seen.add(pid);
      const cached = this.cache.get(pid);
      if (cached && pid % REVALIDATE_EVERY !== slot) {
        out.push(cached.info);
        continue;
      }
      const info = this.readProcess(pid, cached);
      if (info) out.push(info);
    }
    for (const pid of this.cache.keys()) if (!seen.has(pid)) this.cache.delete(pid);
    return Promise.resolve(out);
  }

  private readProcess(pid: number, cached: Cached | undefined): ProcessInfo | null {
    const dir = `${this.procRoot}/${pid}`;
    const stat = readProcFile(`${dir}/stat`);
    if (stat === null) {
      this.cache.delete(pid);
      return null;
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) return null;
    const comm = stat.slice(open + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ppid = Number(fields[1]);
    const flags = Number(fields[6]);
    const startTime = fields[19] ?? '';
    if (cached && cached.startTime === startTime && cached.info.aliases.includes(comm)) return cached.info;
    let uid: number | undefined;
    try {
      uid = lstatSync(dir).uid;
    } catch {
      uid = undefined;
    }
    let exeName: string | null = null;
    try {
      exeName = basename(readlinkSync(`${dir}/exe`).replace(/ \(deleted\)$/, ''));
    } catch {
      // other users' processes: not readable without privileges
    }
    let argv0: string | null = null;
    const cmdline = readProcFile(`${dir}/cmdline`);
    const first = cmdline?.split('\0')[0];
    if (first) argv0 = basename(first.split(' ')[0] ?? first);
    const system = pid <= 2 || ppid === 2 || (Number.isFinite(flags) && (flags & PF_KTHREAD) !== 0);
    const name = exeName ?? argv0 ?? comm;
    const aliases = [...new Set([comm, ...(argv0 ? [argv0] : []), ...(exeName ? [exeName] : [])])];
    const info: ProcessInfo = { pid, ppid, name, aliases, system, ...(uid === undefined ? {} : { uid }) };
    this.cache.set(pid, { startTime, info });
    return info;
  }

  killProcess(pid: number): Promise<boolean> {
    if (pid <= 2 || pid === process.pid || pid === process.ppid) return Promise.resolve(false);
    try {
      process.kill(pid, 'SIGKILL');
      this.cache.delete(pid);
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  async lockDesktop(reason: string): Promise<void> {
    this.locked = true;
    if (this.o.lockCommand?.length) await this.run(this.o.lockCommand, `lock (${reason})`);
  }

  async unlockDesktop(): Promise<void> {
    this.locked = false;
    if (this.o.unlockCommand?.length) await this.run(this.o.unlockCommand, 'unlock');
  }

  isLocked(): boolean {
    return this.locked;
  }

  shutdown(): Promise<void> {
    return this.power(this.o.shutdownCommand ?? ['systemctl', 'poweroff'], 'shutdown');
  }

  restart(): Promise<void> {
    return this.power(this.o.restartCommand ?? ['systemctl', 'reboot'], 'restart');
  }

  async logoutCleanup(): Promise<void> {
    const uid = this.o.cleanupUid;
    if (uid !== undefined) {
      const keep = new Set((this.o.cleanupKeep ?? []).map((n) => n.toLowerCase()));
      for (const p of await this.listProcesses()) {
        if (p.system || p.uid !== uid || keep.has(p.name.toLowerCase())) continue;
        await this.killProcess(p.pid);
      }
    }
    for (const dir of this.o.cleanupDirs ?? []) {
      try {
        for (const e of readdirSync(dir)) rmSync(join(dir, e), { recursive: true, force: true });
      } catch (error) {
        this.o.log?.(`cleanup of ${dir} failed: ${(error as Error).message}`);
      }
    }
  }

  private async power(cmd: readonly string[], what: string): Promise<void> {
    if (!this.o.powerEnabled) {
      this.o.log?.(`dry-run ${what}: ${cmd.join(' ')} (enable with ECONTROL_AGENT_POWER=1)`);
      return;
    }
    await this.run(cmd, what);
  }

  private async run(cmd: readonly string[], what: string): Promise<void> {
    const [file, ...args] = cmd;
    if (!file) return;
    const r = await this.exec(file, args);
    if (r.code !== 0) this.o.log?.(`${what} command failed (${r.code}): ${r.stderr.trim()}`);
  }
}
