import { afterEach, describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const journal = { pendingCount: () => 0, deadLetterCount: () => 0 };

describe('diagnostics', () => {
  let d: Diagnostics | null = null;
  afterEach(() => d?.stop());

  it('a pause of the probes is not counted as a loop delay, and what they measured before is kept', async () => {
    d = new Diagnostics(journal);
    await sleep(150);
    d.probes(false);
    const paused = d.snapshot();
    expect(paused.probes).toBe(false);
    expect(paused.eventLoopDelay.samples).toBeGreaterThan(0);
    await sleep(400);
    d.probes(true);
    await sleep(150);
    const after = d.snapshot();
    expect(after.probes).toBe(true);
    expect(after.eventLoopDelay.samples).toBeGreaterThan(paused.eventLoopDelay.samples);
    expect(after.eventLoopDelay.maxMs).toBeGreaterThanOrEqual(paused.eventLoopDelay.maxMs);
    expect(after.eventLoopDelay.maxMs).toBeLessThan(300);
  });

  it('reset forgets the earlier windows', async () => {
    d = new Diagnostics(journal);
    await sleep(100);
    d.probes(false);
    d.probes(true);
    d.reset();
    expect(d.snapshot().eventLoopDelay.samples).toBe(0);
    expect(d.snapshot().maxCpuPerWindowMs).toBe(0);
  });
});

describe('diagnostics CPU windows', () => {
  it('reports the main thread CPU of the busiest window and how long that window lasted', async () => {
    const d = new Diagnostics(journal);
    try {
      await sleep(120);
      const t = performance.now();
      while (performance.now() - t < 30) {
        // busy: 30 ms of main-thread work in one callback
      }
      await sleep(120);
      const s = d.snapshot();
      expect(s.maxCpuPerWindowMs).toBeGreaterThanOrEqual(5);
      expect(s.maxCpuWindowWallMs).toBeGreaterThanOrEqual(s.maxCpuPerWindowMs);
      expect(s.maxProcessCpuPerWindowMs).toBeGreaterThanOrEqual(s.maxCpuPerWindowMs - 1);
    } finally {
      d.stop();
    }
  });
});
