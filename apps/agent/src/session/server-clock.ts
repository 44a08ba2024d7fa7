/**
 * Estimated server time from the monotonic clock (see the time section of
 * packages/contracts/src/agent-protocol.ts). The PC's wall clock is only used to re-derive an
 * anchor after an agent restart while offline, and then skew-corrected.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface MonotonicClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  nowMs(): number;
}

export const systemMonotonicClock: MonotonicClock = { nowMs: () => performance.now() };

export interface WallClock {
  nowMs(): number;
}
export const systemWallClock: WallClock = { nowMs: () => Date.now() };

export type AnchorSource = 'server' | 'wall_estimate' | 'none';

/** What is persisted so a restarted agent can estimate server time before it reconnects. */
export interface PersistedAnchor {
  serverMs: number;
  wallMs: number;
}

interface Anchor {
  serverMs: number;
  monoMs: number;
  source: AnchorSource;
  rttMs: number;
}

export class ServerClock {
  readonly bootId: string;
  private anchor: Anchor | null = null;

  constructor(
    readonly mono: MonotonicClock = systemMonotonicClock,
    readonly wall: WallClock = systemWallClock,
    bootId: string = randomUUID(),
  ) {
    this.bootId = bootId;
  }

  get source(): AnchorSource {
    return this.anchor?.source ?? 'none';
  }

  get hasAnchor(): boolean {
    return this.anchor !== null;
  }

  monoNow(): number {
    return this.mono.nowMs();
  }

  /**
   * Records a server time observation. `sentMono`/`recvMono` bracket the round trip; the server
   * time is assumed at the midpoint. A one-way observation (sentMono === recvMono, e.g. a command's
   * serverNowMs) replaces a missing or non-server anchor; over a server anchor it is only a lower
   * bound (the server sent it before now): it moves a lagging estimate forward, never back, so a
   * session never starts before the server sent its start. Returns the jump in estimated time.
   */
  observe(serverNowMs: number, sentMono: number, recvMono: number = sentMono): number {
    const rtt = Math.max(0, recvMono - sentMono);
    const oneWay = rtt === 0 && sentMono === recvMono;
    if (oneWay && this.anchor?.source === 'server') {
      const behind = serverNowMs - this.toServer(sentMono);
      if (behind <= 0) return 0;
      this.anchor = { ...this.anchor, serverMs: serverNowMs, monoMs: sentMono };
      return behind;
    }
    const before = this.anchor ? this.serverNow() : serverNowMs;
    this.anchor = {
      serverMs: serverNowMs,
      monoMs: sentMono + rtt / 2,
      source: 'server',
      rttMs: oneWay ? Number.NaN : rtt,
    };
    return this.serverNow() - before;
  }

  /** After a restart: server ≈ persisted.serverMs + (wallNow − persisted.wallMs). */
  restore(persisted: PersistedAnchor | undefined): void {
    if (!persisted || this.anchor) return;
    const serverMs = persisted.serverMs + (this.wall.nowMs() - persisted.wallMs);
    this.anchor = { serverMs, monoMs: this.mono.nowMs(), source: 'wall_estimate', rttMs: Number.NaN };
  }

  /** Estimated server time now (integer ms), or null when never anchored. */
  serverNowOrNull(): number | null {
    return this.anchor ? this.toServer(this.mono.nowMs()) : null;
  }

  /** Estimated server time now; falls back to the wall clock only if never anchored (logged as 'none'). */
  serverNow(): number {
    return this.anchor ? this.toServer(this.mono.nowMs()) : Math.round(this.wall.nowMs());
  }

  toServer(monoMs: number): number {
    if (!this.anchor) return Math.round(this.wall.nowMs() - (this.mono.nowMs() - monoMs));
    return Math.round(this.anchor.serverMs + (monoMs - this.anchor.monoMs));
  }

  persisted(): PersistedAnchor | undefined {
    if (!this.anchor) return undefined;
    return { serverMs: this.serverNow(), wallMs: Math.round(this.wall.nowMs()) };
  }

  stamp(): {
    bootId: string;
    monotonicMs: number;
    wallMs: number;
    serverMs: number | null;
    anchorSource: AnchorSource;
  } {
    const m = this.mono.nowMs();
    return {
      bootId: this.bootId,
      monotonicMs: Math.max(0, m),
      wallMs: Math.round(this.wall.nowMs()),
      serverMs: this.anchor ? this.toServer(m) : null,
      anchorSource: this.source,
    };
  }
}
