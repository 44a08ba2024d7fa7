import { describe, expect, it } from 'vitest';
import { HandshakeAdmission } from './handshake-admission.js';

function admission(max: number) {
  const clock = { t: 1_000_000 };
  const a = new HandshakeAdmission(max, () => clock.t, () => 1);
  return { a, clock };
}

describe('HandshakeAdmission', () => {
  it('admits up to the limit, then turns agents away until a slot is released', () => {
    const { a } = admission(3);
    expect([a.admit(), a.admit(), a.admit()].every((r) => r.ok)).toBe(true);
    expect(a.admit().ok).toBe(false);
    a.release(true);
    expect(a.admit().ok).toBe(true);
    expect(a.inFlight).toBe(3);
  });

  it('spreads the agents it turns away over the time it needs to welcome them (turned away / welcomed per second)', () => {
    const { a, clock } = admission(10);
    // 50 handshakes welcomed in one second (smoothed with the initial 100/s: 75/s).
    for (let i = 0; i < 50; i++) {
      expect(a.admit().ok).toBe(true);
      a.release(true);
    }
    for (let i = 0; i < 10; i++) a.admit();
    clock.t += 1000;
    // 3,000 agents turned away within the next second: with random() = 1 the delay is the whole spread.
    let last = 0;
    for (let i = 0; i < 3000; i++) {
      const r = a.admit();
      expect(r.ok).toBe(false);
      if (!r.ok) last = r.retryAfterMs;
    }
    expect(last).toBe(500 + Math.round((1000 * 3000) / 75));
    clock.t += 1000;
    // The next second starts from the last one's demand, not from zero.
    const r = a.admit();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it('never asks for less than 1 s of spread nor more than 60 s', () => {
    const { a } = admission(1);
    a.admit();
    const first = a.admit();
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.retryAfterMs).toBe(1_500);
    for (let i = 0; i < 100_000; i++) a.admit();
    const r = a.admit();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.retryAfterMs).toBe(60_500);
  });
});
