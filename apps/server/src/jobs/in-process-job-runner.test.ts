import { describe, expect, it } from 'vitest';
import { InProcessJobRunner } from './in-process-job-runner.js';
import { msUntilDaily } from './jobs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessJobRunner', () => {
  it('runs a job on its interval, never two runs of it at once, and stops on close', async () => {
    const runner = new InProcessJobRunner();
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    runner.register({
      name: 'probe',
      schedule: { everyMs: 20 },
      run: async () => {
        runs++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(50); // longer than the interval
        concurrent--;
      },
    });
    expect(() => runner.register({ name: 'probe', schedule: { everyMs: 1 }, run: () => Promise.resolve() })).toThrow(/twice/);
    await runner.start();
    await sleep(300);
    await runner.close();
    const after = runs;
    await sleep(100);
    expect(after).toBeGreaterThanOrEqual(3);
    expect(runs).toBe(after);
    expect(maxConcurrent).toBe(1);
  });

  it('a failing run does not stop the schedule', async () => {
    const runner = new InProcessJobRunner();
    let runs = 0;
    runner.register({
      name: 'flaky',
      schedule: { everyMs: 10 },
      run: () => {
        runs++;
        return Promise.reject(new Error('boom'));
      },
    });
    await runner.start();
    await sleep(120);
    await runner.close();
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('computes the next daily UTC time', () => {
    const now = Date.UTC(2026, 0, 10, 7, 30);
    expect(msUntilDaily({ hour: 8, minute: 0 }, now)).toBe(30 * 60_000);
    expect(msUntilDaily({ hour: 7, minute: 30 }, now)).toBe(24 * 3600_000);
  });
});
