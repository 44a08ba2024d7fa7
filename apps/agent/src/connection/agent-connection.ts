/**
 * Socket.IO link to the server (namespace /agent, msgpack parser, websocket then polling).
 * Reconnection is ours, not socket.io's (middleware refusals are never retried by socket.io, and
 * we need different policies per refusal): exponential backoff + jitter for network trouble,
 * token renewal on TOKEN_INVALID, a slow retry with the PC kept locked on AGENT_UPGRADE_REQUIRED
 * (S15) and PC_REVOKED. On every connect the journal (outbox) is flushed in seq order in batches.
 */
import { randomUUID } from 'node:crypto';
import type {
  AgentCommand,
  AgentHandshakeAuth,
  AgentWelcome,
  CommandAck,
  ErrorCode,
} from '@econtrol/contracts';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { Journal } from '../journal/journal.js';
import { check } from '../protocol/check.js';
import {
  AGENT_PROTOCOL_VERSION,
  AGENT_SOCKET_NAMESPACE,
  AGENT_SYNC_MAX_BATCH,
  agentSocketEvents,
} from '../protocol/contracts-values.js';
import { agentCommand, agentSyncAck, agentWelcome, isErrorCode } from '../protocol/inbound.js';
import type { ServerClock } from '../session/server-clock.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { ServerApiError } from './server-api.js';

/**
 * Events per sync batch. The protocol allows up to AGENT_SYNC_MAX_BATCH (500), but reading,
 * parsing and encoding 500 events is one ~30 ms block of the event loop (a stutter in a game);
 * 100 keeps each step to a few ms, and the server applies events one by one anyway.
 */
const SYNC_BATCH = Math.min(100, AGENT_SYNC_MAX_BATCH);

export type ConnectionStatus =
  'connecting' | 'online' | 'offline' | 'upgrade_required' | 'revoked' | 'stopped';

export interface AgentConnectionOptions {
  serverUrl: string;
  journal: Journal;
  clock: ServerClock;
  agentVersion: string;
  getToken: () => Promise<string>;
  invalidateToken: () => void;
  activeSessionId: () => string | null;
  onCommand: (cmd: AgentCommand) => Promise<CommandAck>;
  onWelcome: (welcome: AgentWelcome) => void;
  onStatus: (status: ConnectionStatus, detail?: string) => void;
  /** The estimated server time jumped by more than 1 s (re-plan deadlines). */
  onAnchorJump?: (jumpMs: number) => void;
  backoff?: BackoffOptions;
  /** Retry delay after AGENT_UPGRADE_REQUIRED / PC_REVOKED (default 30 min). */
  slowRetryMs?: number;
  ackTimeoutMs?: number;
  protocolVersion?: number;
  log?: (msg: string) => void;
}

export class AgentConnection {
  private socket: Socket | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing = false;
  private flushAgain = false;
  private stopped = false;
  private status: ConnectionStatus = 'offline';
  private inFlight: number[] = [];
  private readonly recentCommands = new Map<string, Promise<CommandAck>>();

  constructor(private readonly o: AgentConnectionOptions) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  get currentStatus(): ConnectionStatus {
    return this.status;
  }

  /** Seqs of events currently being sent (never coalesced away). */
  inFlightSeqs(): number[] {
    return this.inFlight;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.retryTimer = null;
    this.socket?.disconnect();
    this.socket?.removeAllListeners();
    this.socket = null;
    this.setStatus('stopped');
  }

  private setStatus(s: ConnectionStatus, detail?: string): void {
    if (s === this.status && detail === undefined) return;
    this.status = s;
    this.o.onStatus(s, detail);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
  }

  private retryWithBackoff(): void {
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? defaultBackoff);
    this.o.log?.(`reconnecting in ${delay} ms`);
    this.schedule(delay);
  }

  private refused(code: ErrorCode, detail?: string): void {
    if (code === 'AGENT_UPGRADE_REQUIRED') this.setStatus('upgrade_required', detail);
    else this.setStatus('revoked', detail);
    this.schedule(this.o.slowRetryMs ?? 30 * 60_000);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.socket?.connected) return;
    if (this.status !== 'upgrade_required' && this.status !== 'revoked') this.setStatus('connecting');
    let token: string;
    try {
      token = await this.o.getToken();
    } catch (error) {
      const code = error instanceof ServerApiError ? error.code : 'SERVICE_UNAVAILABLE';
      this.o.log?.(`token renewal failed: ${code}`);
      if (code === 'PC_REVOKED' || code === 'AGENT_UPGRADE_REQUIRED') return this.refused(code);
      if (this.status === 'connecting') this.setStatus('offline');
      return this.retryWithBackoff();
    }
    if (this.stopped) return;
    const auth: AgentHandshakeAuth = {
      token,
      protocolVersion: this.o.protocolVersion ?? AGENT_PROTOCOL_VERSION,
      agentVersion: this.o.agentVersion,
      bootId: this.o.clock.bootId,
      activeSessionId: this.o.activeSessionId(),
    };
    const socket = this.ensureSocket();
    socket.auth = auth;
    socket.connect();
  }

  private ensureSocket(): Socket {
    if (this.socket) return this.socket;
    const url = new URL(AGENT_SOCKET_NAMESPACE, this.o.serverUrl).toString();
    const socket = io(url, {
      autoConnect: false,
      reconnection: false,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      parser: msgpackParser,
      timeout: 10_000,
    });
    socket.on('connect', () => {
      this.attempt = 0;
      this.setStatus('online');
      this.o.log?.(`connected (${socket.io.engine.transport.name})`);
      void this.flush();
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      const data = err.data as { code?: unknown; message?: unknown; retryAfterMs?: unknown } | undefined;
      const given = data?.code ?? err.message;
      const code = isErrorCode(given) ? given : null;
      this.o.log?.(`connect error: ${code ?? err.message}`);
      if (code === 'AGENT_UPGRADE_REQUIRED' || code === 'PC_REVOKED') {
        return this.refused(code, typeof data?.message === 'string' ? data.message : undefined);
      }
      if (code === 'TOKEN_INVALID' || code === 'UNAUTHENTICATED') this.o.invalidateToken();
      this.setStatus('offline');
      // The server is admitting as fast as it can (a reconnect storm): its delay, backoff unchanged.
      const after = data?.retryAfterMs;
      if (code === 'SERVICE_UNAVAILABLE' && typeof after === 'number' && after >= 0 && after <= 120_000) {
        this.o.log?.(`server busy, reconnecting in ${Math.round(after)} ms`);
        return this.schedule(after);
      }
      this.retryWithBackoff();
    });
    socket.on('disconnect', (reason) => {
      this.o.log?.(`disconnected: ${reason}`);
      if (this.stopped) return;
      this.setStatus('offline');
      if (reason !== 'io client disconnect') this.retryWithBackoff();
    });
    socket.on(agentSocketEvents.welcome, (raw: unknown) => {
      const w = check(agentWelcome, raw);
      if (!w.ok) return this.o.log?.(`invalid welcome ignored (${w.message})`);
      const jump = this.o.clock.observe(w.value.serverNowMs, this.o.clock.monoNow());
      if (Math.abs(jump) > 1000) this.o.onAnchorJump?.(jump);
      this.o.onWelcome(w.value);
    });
    socket.on(agentSocketEvents.command, (raw: unknown, ack?: (a: CommandAck) => void) => {
      void this.handleCommand(raw).then((a) => ack?.(a));
    });
    this.socket = socket;
    return socket;
  }

  private handleCommand(raw: unknown): Promise<CommandAck> {
    const parsed = check(agentCommand, raw);
    if (!parsed.ok) {
      const id = (raw as { commandId?: unknown } | null)?.commandId;
      return Promise.resolve({
        ok: false,
        commandId: typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null,
        code: 'VALIDATION_FAILED',
        message: parsed.message,
      });
    }
    const cmd = parsed.value;
    const seen = this.recentCommands.get(cmd.commandId);
    if (seen) return seen;
    const jump = this.o.clock.observe(cmd.serverNowMs, this.o.clock.monoNow());
    if (Math.abs(jump) > 1000) this.o.onAnchorJump?.(jump);
    const p = this.o.onCommand(cmd).catch((error: unknown): CommandAck => ({
      ok: false,
      commandId: cmd.commandId,
      code: 'INTERNAL_ERROR',
      message: (error as Error).message,
    }));
    this.recentCommands.set(cmd.commandId, p);
    if (this.recentCommands.size > 200) {
      const first = this.recentCommands.keys().next().value;
      if (first !== undefined) this.recentCommands.delete(first);
    }
    return p;
  }

  /** Coalesces flush requests into the next macrotask. */
  flushSoon(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, 0);
  }

  /**
   * Sends the outbox in seq order, batch by batch, until empty or something fails. One batch is
   * in flight at a time (the server applies them in order); the next one is read while the server
   * works, and an acked batch is deleted after the next one has gone out.
   */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    let retryLater = false;
    try {
      let batch = this.o.journal.peek(SYNC_BATCH);
      let acked: string[] = [];
      while (batch.length > 0) {
        const socket = this.socket;
        if (!socket?.connected) break;
        const sent = this.o.clock.monoNow();
        const reply = socket
          .timeout(this.o.ackTimeoutMs ?? 15_000)
          .emitWithAck(agentSocketEvents.sync, { batchId: randomUUID(), events: batch.map((b) => b.event) })
          .then(
            (raw: unknown) => ({ raw, recv: this.o.clock.monoNow() }),
            (error: unknown) => ({ error: error as Error }),
          );
        // While the server works: delete the previous batch, read the next one.
        this.o.journal.ack(acked.splice(0));
        const next = this.o.journal.peek(SYNC_BATCH, batch[batch.length - 1]!.seq);
        this.inFlight = [...batch, ...next].map((b) => b.seq);
        const answer = await reply;
        if ('error' in answer) {
          this.o.log?.(`sync not acknowledged: ${answer.error.message}`);
          retryLater = true;
          break;
        }
        const ack = check(agentSyncAck, answer.raw);
        if (!ack.ok) {
          this.o.log?.(`invalid sync ack (${ack.message})`);
          retryLater = true;
          break;
        }
        const jump = this.o.clock.observe(ack.value.serverNowMs, sent, answer.recv);
        if (Math.abs(jump) > 1000) this.o.onAnchorJump?.(jump);
        const okIds: string[] = [];
        let stop = false;
        const sentIds = new Set(batch.map((b) => b.eventId));
        for (const r of ack.value.results) {
          if (!sentIds.has(r.eventId)) continue;
          if (r.ok) okIds.push(r.eventId);
          else if (!r.retryable) this.o.journal.deadLetter(r.eventId, r.code, r.message);
          else stop = true;
        }
        if (stop || okIds.length === 0) {
          this.o.journal.ack(okIds);
          retryLater = true;
          break;
        }
        acked = okIds;
        batch = next;
      }
      this.o.journal.ack(acked);
    } finally {
      this.inFlight = [];
      this.flushing = false;
    }
    if (this.flushAgain) {
      this.flushAgain = false;
      this.flushSoon();
    } else if (retryLater && !this.stopped) {
      setTimeout(() => this.flushSoon(), 5_000).unref();
    }
  }
}
