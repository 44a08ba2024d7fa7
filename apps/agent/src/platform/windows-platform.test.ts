import { describe, expect, it } from 'vitest';
import type { ExecFn } from './platform.js';
import { WindowsPlatform, parseTasklistCsv, psQuote } from './windows-platform.js';

function recorder(stdout = '') {
  const calls: string[][] = [];
  const exec: ExecFn = (file, args) => {
    calls.push([file, ...args]);
    return Promise.resolve({ stdout, stderr: '', code: 0 });
  };
  return { calls, exec };
}

const TASKLIST = [
  '"System Idle Process","0","Services","0","8 K"',
  '"System","4","Services","0","144 K"',
  '"svchost.exe","912","Services","0","12,000 K"',
  '"explorer.exe","5120","Console","1","90,000 K"',
  '"Forbidden Game.exe","7331","Console","1","1,200,000 K"',
  '"we""ird.exe","7400","Console","1","1 K"',
  '',
].join('\r\n');

describe('Windows platform command lines', () => {
  it('lists processes with tasklist CSV and marks system ones', async () => {
    const r = recorder(TASKLIST);
    const list = await new WindowsPlatform({ exec: r.exec }).listProcesses();
    expect(r.calls).toEqual([['tasklist.exe', '/FO', 'CSV', '/NH']]);
    expect(list.map((p) => [p.pid, p.name, p.sessionId, p.system])).toEqual([
      [0, 'System Idle Process', 0, true],
      [4, 'System', 0, true],
      [912, 'svchost.exe', 0, true],
      [5120, 'explorer.exe', 1, true],
      [7331, 'Forbidden Game.exe', 1, false],
      [7400, 'we"ird.exe', 1, false],
    ]);
    expect(parseTasklistCsv('INFO: No tasks are running')).toEqual([]);
  });

  it('kills with taskkill /PID n /F and refuses system pids', async () => {
    const r = recorder();
    const p = new WindowsPlatform({ exec: r.exec });
    expect(await p.killProcess(7331)).toBe(true);
    expect(await p.killProcess(4)).toBe(false);
    expect(await p.killProcess(process.pid)).toBe(false);
    expect(r.calls).toEqual([['taskkill.exe', '/PID', '7331', '/F']]);
  });

  it('locks with LockWorkStation only when asked; power commands are dry-run unless enabled', async () => {
    const r = recorder();
    const logs: string[] = [];
    const dry = new WindowsPlatform({ exec: r.exec, log: (m) => logs.push(m) });
    await dry.lockDesktop('time_up');
    expect(dry.isLocked()).toBe(true);
    await dry.unlockDesktop();
    expect(dry.isLocked()).toBe(false);
    await dry.shutdown();
    await dry.restart();
    expect(r.calls).toEqual([]);
    expect(logs).toEqual(['dry-run shutdown: shutdown.exe /s /t 0', 'dry-run restart: shutdown.exe /r /t 0']);

    const live = new WindowsPlatform({ exec: r.exec, powerEnabled: true, useLockWorkStation: true });
    await live.lockDesktop('staff');
    await live.shutdown();
    await live.restart();
    expect(r.calls).toEqual([
      ['rundll32.exe', 'user32.dll,LockWorkStation'],
      ['shutdown.exe', '/s', '/t', '0'],
      ['shutdown.exe', '/r', '/t', '0'],
    ]);
  });

  it('logout cleanup kills customer processes and empties folders with PowerShell', async () => {
    const r = recorder(TASKLIST);
    const p = new WindowsPlatform({
      exec: r.exec,
      cleanupDirs: ['C:\\Users\\gamer\\Downloads', "C:\\Users\\o'neil\\Temp"],
      cleanupKeep: ['weird'],
    });
    await p.logoutCleanup();
    expect(r.calls).toEqual([
      ['tasklist.exe', '/FO', 'CSV', '/NH'],
      ['taskkill.exe', '/PID', '7331', '/F'],
      ['taskkill.exe', '/PID', '7400', '/F'],
      [
        'powershell.exe',
        '-NoProfile',
        '-NonInteractive',
        '-ExecutionPolicy',
        'Bypass',
        '-Command',
        "Remove-Item -Path (Join-Path 'C:\\Users\\gamer\\Downloads' '*') -Recurse -Force -ErrorAction SilentlyContinue; Remove-Item -Path (Join-Path 'C:\\Users\\o''neil\\Temp' '*') -Recurse -Force -ErrorAction SilentlyContinue",
      ],
    ]);
    expect(psQuote("a'b")).toBe("'a''b'");
  });
});
