/**
 * Admission for a reconnect storm: at most AGENT_MAX_HANDSHAKES in progress (a queue longer than
 * the agents' connect timeout only does work for agents that already gave up). The "come back in"
 * delay spreads the agents turned away over the time this instance needs to take them (turned away
 * per second / welcomed per second), so they return at about the rate it can welcome them.
 */
export class HandshakeAdmission {
  inFlight = 0;
  private windowStart = 0;
  private welcomed = 0;
  private refused = 0;
  private welcomedPerS = 100;
  private refusedPerS = 0;

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Takes a slot, or returns the delay (ms) the agent should wait before trying again. */
  admit(): { ok: true } | { ok: false; retryAfterMs: number } {
    this.roll();
    if (this.inFlight < this.max) {
      this.inFlight++;
      return { ok: true };
    }
    this.refused++;
    const demand = Math.max(this.refusedPerS, this.refused);
    const spreadMs = Math.min(60_000, Math.max(1_000, (1000 * demand) / this.welcomedPerS));
    return { ok: false, retryAfterMs: Math.round(500 + this.random() * spreadMs) };
  }

  /** Frees a slot (`welcomed`: the handshake completed). */
  release(welcomed: boolean): void {
    this.roll();
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (welcomed) this.welcomed++;
  }

  /** One-second windows; the welcome rate is smoothed and never taken below 20/s. */
  private roll(): void {
    const t = this.now();
    if (t - this.windowStart < 1000) return;
    const seconds = Math.max(1, (t - this.windowStart) / 1000);
    if (this.windowStart > 0 && (this.welcomed > 0 || this.inFlight > 0)) {
      this.welcomedPerS = Math.max(20, 0.5 * this.welcomedPerS + (0.5 * this.welcomed) / seconds);
    }
    this.refusedPerS = this.refused / seconds;
    this.windowStart = t;
    this.welcomed = 0;
    this.refused = 0;
  }
}
