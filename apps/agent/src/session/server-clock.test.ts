import { describe, expect, it } from 'vitest';
import { ServerClock } from './server-clock.js';

const T0 = Date.UTC(2026, 11, 4, 16, 0, 0);

function clockAt(mono: { t: number }, wallOffsetMs = 0) {
  return new ServerClock({ nowMs: () => mono.t }, { nowMs: () => T0 + wallOffsetMs + mono.t }, 'boot');
}

describe('ServerClock', () => {
  it('takes the server time at the midpoint of a round trip', () => {
    const mono = { t: 1_000 };
    const clock = clockAt(mono, 5_000);
    clock.observe(T0 + 60, 1_000, 1_120);
    mono.t = 1_120;
    expect(clock.serverNow()).toBe(T0 + 120);
    expect(clock.source).toBe('server');
  });

  it('a one-way stamp that lags the estimate changes nothing', () => {
    const mono = { t: 0 };
    const clock = clockAt(mono);
    clock.observe(T0, 0, 40);
    mono.t = 1_000;
    expect(clock.observe(T0 + 900, 1_000)).toBe(0);
    expect(clock.serverNow()).toBe(T0 + 980);
  });

  it('a one-way stamp ahead of the estimate moves it forward by the difference: the server sent it before now', () => {
    const mono = { t: 0 };
    const clock = clockAt(mono);
    clock.observe(T0, 0, 40); // estimate: T0 at mono 20
    mono.t = 1_000;
    expect(clock.serverNow()).toBe(T0 + 980);
    expect(clock.observe(T0 + 1_045, 1_000)).toBe(65);
    expect(clock.serverNow()).toBe(T0 + 1_045);
    mono.t = 3_000;
    expect(clock.serverNow()).toBe(T0 + 3_045);
  });

  it('without an anchor, a one-way stamp becomes the anchor', () => {
    const mono = { t: 500 };
    const clock = clockAt(mono, -90_000);
    expect(clock.serverNowOrNull()).toBeNull();
    clock.observe(T0 + 7, 500);
    expect(clock.serverNow()).toBe(T0 + 7);
  });
});
