import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LinuxPlatform } from '../platform/linux-platform.js';
import type { Platform, ProcessInfo } from '../platform/platform.js';
import { ProcessGuard, decide } from './process-guard.js';

const linux = process.platform === 'linux';
const dir = mkdtempSync(join(tmpdir(), 'agent-guard-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function exited(child: ChildProcess): Promise<{ signal: NodeJS.Signals | null; atMs: number }> {
  return new Promise((resolve) =>
    child.once('exit', (_c, signal) => resolve({ signal, atMs: performance.now() })),
  );
}

function binary(name: string): string {
  const path = join(dir, name);
  copyFileSync('/bin/sleep', path);
  return path;
}

const proc = (over: Partial<ProcessInfo>): ProcessInfo => ({
  pid: 500,
  ppid: 1,
  name: 'x',
  aliases: [],
  system: false,
  ...over,
});
const ctx = (over: Partial<Parameters<typeof decide>[1]> = {}) => ({
  block: new Set(['forbidden-game', 'cheatengine']),
  allow: new Set(['explorer', 'kiosk']),
  locked: false,
  enforceAllow: true,
  inScope: true,
  protectedPids: new Set([42]),
  ...over,
});

describe('guard decisions', () => {
  it('blocks by name case-insensitively with or without .exe, any time', () => {
    expect(decide(proc({ name: 'CheatEngine.EXE' }), ctx())).toBe('block_list');
    expect(decide(proc({ name: 'launcher', aliases: ['forbidden-game'] }), ctx())).toBe('block_list');
    expect(decide(proc({ name: 'game' }), ctx())).toBeNull();
  });
  it('while locked kills in-scope processes that are not allowed', () => {
    expect(decide(proc({ name: 'game' }), ctx({ locked: true }))).toBe('not_allowed_while_locked');
    expect(decide(proc({ name: 'Explorer.exe' }), ctx({ locked: true }))).toBeNull();
    expect(decide(proc({ name: 'game' }), ctx({ locked: true, inScope: false }))).toBeNull();
    expect(decide(proc({ name: 'game' }), ctx({ locked: true, enforceAllow: false }))).toBeNull();
  });
  it('never touches itself, its ancestors, pid 1/2 or system processes', () => {
    expect(decide(proc({ pid: 42, name: 'forbidden-game' }), ctx())).toBeNull();
    expect(decide(proc({ pid: 1, name: 'forbidden-game' }), ctx())).toBeNull();
    expect(decide(proc({ name: 'forbidden-game', system: true }), ctx({ locked: true }))).toBeNull();
  });
});

describe.runIf(linux)('guard on Linux with real processes (S13)', () => {
  it('kills a block-listed program already running at start, and one started later, within 2 s', async () => {
    const bin = binary('forbidden-game');
    const early = spawn(bin, ['60'], { stdio: 'ignore' });
    children.push(early);
    const earlyExit = exited(early);
    const guard = new ProcessGuard({
      platform: new LinuxPlatform(),
      rules: { blockList: ['Forbidden-Game'], allowList: [], enforceAllowListWhenLocked: true },
      scope: {},
      isLocked: () => true,
      intervalMs: 1000,
    });
    const t0 = performance.now();
    await guard.start();
    const e1 = await earlyExit;
    expect(e1.signal).toBe('SIGKILL');
    expect(e1.atMs - t0).toBeLessThan(2000);

    const late = spawn(bin, ['60'], { stdio: 'ignore' });
    children.push(late);
    const t1 = performance.now();
    const e2 = await exited(late);
    guard.stop();
    expect(e2.signal).toBe('SIGKILL');
    expect(e2.atMs - t1).toBeLessThan(2000);
    expect(guard.killsTotal).toBeGreaterThanOrEqual(2);
  });

  it('while locked kills non-allowed programs of the customer session only; unlocked leaves them', async () => {
    const shell = binary('session-shell');
    const app = binary('random-app');
    const bystander = spawn(app, ['60'], { stdio: 'ignore' }); // not in the customer session
    children.push(bystander);
    // A "desktop session": an allowed root process; the customer's app runs under it.
    const root = spawn(
      '/bin/sh',
      ['-c', `exec -a session-shell ${JSON.stringify(shell)} 60 & ${JSON.stringify(app)} 60; wait`],
      {
        stdio: 'ignore',
      },
    );
    children.push(root);
    let locked = false;
    const guard = new ProcessGuard({
      platform: new LinuxPlatform(),
      rules: { blockList: [], allowList: ['sh', 'session-shell'], enforceAllowListWhenLocked: true },
      scope: { rootPids: [root.pid ?? -1], uid: process.getuid?.() ?? 0 },
      isLocked: () => locked,
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(await guard.sweep()).toEqual([]);
    locked = true;
    const kills = await guard.sweep();
    expect(kills.map((k) => [k.name, k.rule])).toEqual([['random-app', 'not_allowed_while_locked']]);
    expect(bystander.exitCode).toBeNull();
    expect(root.exitCode).toBeNull();
  });

  it('never kills the agent process or its parent even if their names are block-listed', async () => {
    // Real /proc data, but only this process, its parent and one child of ours are visible, and
    // kills are recorded instead of sent: this test must never touch other processes on the box.
    const real = new LinuxPlatform();
    const child = spawn(binary('agent-child'), ['60'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => setTimeout(r, 100));
    const visible = new Set([process.pid, process.ppid, child.pid ?? -1]);
    const all = await real.listProcesses();
    const me = all.find((p) => p.pid === process.pid);
    const parent = all.find((p) => p.pid === process.ppid);
    const killed: number[] = [];
    const platform: Platform = {
      os: 'linux',
      lockDesktop: (reason) => real.lockDesktop(reason),
      unlockDesktop: () => real.unlockDesktop(),
      isLocked: () => real.isLocked(),
      shutdown: () => Promise.resolve(),
      restart: () => Promise.resolve(),
      logoutCleanup: () => Promise.resolve(),
      listProcesses: async () => (await real.listProcesses()).filter((p) => visible.has(p.pid)),
      killProcess: (pid) => {
        killed.push(pid);
        return Promise.resolve(true);
      },
    };
    const guard = new ProcessGuard({
      platform,
      rules: {
        blockList: [...(me?.aliases ?? []), ...(parent?.aliases ?? []), 'agent-child'],
        allowList: ['nothing'],
        enforceAllowListWhenLocked: true,
      },
      scope: { rootPids: [process.ppid] },
      isLocked: () => true,
    });
    await guard.sweep();
    expect(killed).toEqual([child.pid]);
  });
});
