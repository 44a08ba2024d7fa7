export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: share of the delay that is randomized ("equal jitter" at 0.5). */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.5 };

/**
 * Delay before reconnect attempt number `attempt` (0-based): exponential, capped, with jitter so a
 * whole LAN center coming back after a power cut does not reconnect in lockstep.
 *   ceiling = min(maxMs, baseMs · factor^attempt)
 *   delay   = ceiling · (1 − jitter) + random() · ceiling · jitter
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const n = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(opts.maxMs, opts.baseMs * Math.pow(opts.factor, Math.min(n, 64)));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (1 - opts.jitter) + r * ceiling * opts.jitter);
}
