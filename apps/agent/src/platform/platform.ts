/** What the agent needs from the operating system, behind one interface (Linux, Windows). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Executable name without directory (e.g. `steam.exe`, `forbidden-game`). */
  name: string;
  /** Other names the process is known by (Linux `comm`, argv[0] basename), for block-list matching. */
  aliases: string[];
  /** Owner (Linux uid); undefined when unknown. */
  uid?: number;
  /** Windows session id (0 = services); undefined on Linux. */
  sessionId?: number;
  /** Kernel thread or OS-critical process: never killed. */
  system: boolean;
}

export interface Platform {
  readonly os: 'linux' | 'windows';
  listProcesses(): Promise<ProcessInfo[]>;
  /** Force-kills a process; false when it was already gone or not allowed. */
  killProcess(pid: number): Promise<boolean>;
  lockDesktop(reason: string): Promise<void>;
  unlockDesktop(): Promise<void>;
  isLocked(): boolean;
  shutdown(): Promise<void>;
  restart(): Promise<void>;
  /** After a session: close what the customer left running, clear configured folders. */
  logoutCleanup(): Promise<void>;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a program without a shell. Injected so command lines can be recorded in tests. */
export type ExecFn = (file: string, args: readonly string[]) => Promise<ExecResult>;

/** Lower-cases and drops a trailing `.exe` so `Steam.EXE` matches `steam`. */
export function normalizeProcessName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.exe') ? n.slice(0, -4) : n;
}
