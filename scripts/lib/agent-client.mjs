// A lightweight PC-agent protocol client for benches (no agent process, no journal, no lock screen):
// the real enrollment REST calls, the real /agent Socket.IO handshake (msgpack parser), acks to
// `agent.command` per the contract and `agent.sync` batches of one event with the real envelope.
// Optional (bench:agents): an in-memory outbox (events kept until acked, resent after a reconnect)
// and the agent's reconnect policy (apps/agent/src/connection/backoff.ts: exponential + jitter).
// Protocol: packages/contracts/src/agent-protocol.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { root } from '../node-guard.mjs';

export const AGENT_VERSION = JSON.parse(readFileSync(join(root, 'apps/agent/package.json'), 'utf8')).version;
const PROTOCOL_VERSION = 1; // AGENT_PROTOCOL_VERSION

/** The agent's reconnect delay (apps/agent/src/connection/backoff.ts, defaultBackoff). */
export function backoffDelay(attempt, { baseMs = 1000, maxMs = 60_000, factor = 2, jitter = 0.5 } = {}) {
  const ceiling = Math.min(maxMs, baseMs * Math.pow(factor, Math.min(Math.max(0, attempt), 64)));
  return Math.round(ceiling * (1 - jitter) + Math.random() * ceiling * jitter);
}

async function post(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export class AgentClient {
  socket = null;
  seq = 0;
  bootId = randomUUID();
  /** Last server time observed (welcome / sync ack midpoint) against our monotonic clock. */
  anchor = null;
  /** The session the server started here (acked `session.start`), and whether we paused it. */
  sessionId = null;
  paused = false;
  welcome = null;
  heartbeat = null;
  pendingSyncs = new Set();
  /** Outbox (journal) events not acked yet, oldest first. */
  outbox = [];
  flushing = false;
  /** Welcomed on the current connection (the outbox may be flushed). */
  online = false;
  stopped = false;
  attempt = 0;
  retryTimer = null;

  /**
   * @param {string} base server URL
   * @param {string} pcId
   * @param {object} [options]
   * @param {boolean} [options.reconnect] reconnect with the agent's backoff after a drop
   * @param {object} [options.hooks] onAck(kind, ms, ok), onDrop(reason), onSynced(atMs), onCommand(cmd)
   * @param {string} [options.token] a token to use as is (no enrollment: the bare baseline)
   */
  constructor(base, pcId, options = {}) {
    this.base = base;
    this.pcId = pcId;
    this.reconnect = options.reconnect ?? false;
    this.hooks = options.hooks ?? {};
    if (options.token) this.token = options.token;
  }

  /** Pairing code (manager) → enroll → device token. */
  async enroll(managerToken, hostname) {
    const { code } = await post(this.base, `/api/v1/pcs/${this.pcId}/pairing-code`, undefined, managerToken);
    await this.enrollWithCode(code, hostname);
  }

  /** Enroll with a pairing code → device credential → device token (unless `renew: false`). */
  async enrollWithCode(pairingCode, hostname, { renew = true } = {}) {
    const enrolled = await post(this.base, '/api/v1/agent/enroll', {
      pairingCode,
      machine: { hostname, os: 'linux', agentVersion: AGENT_VERSION },
    });
    if (enrolled.pcId !== this.pcId) throw new Error(`enrolled as ${enrolled.pcId}, expected ${this.pcId}`);
    this.device = { deviceId: enrolled.deviceId, deviceSecret: enrolled.deviceSecret };
    if (renew) await this.renewToken();
  }

  async renewToken() {
    this.token = (await post(this.base, '/api/v1/agent/token', this.device)).accessToken;
  }

  serverNow() {
    if (!this.anchor) return null;
    return Math.round(this.anchor.serverMs + (performance.now() - this.anchor.monoMs));
  }

  auth() {
    return {
      token: this.token,
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      bootId: this.bootId,
      activeSessionId: this.sessionId,
    };
  }

  /**
   * Connects and resolves at the first `agent.welcome`. A connect error rejects, or with `retry`
   * (and `reconnect`) is retried like the agent does (reported to `hooks.onConnectError`).
   */
  connect({ retry = false } = {}) {
    const socket = io(`${this.base}/agent`, {
      autoConnect: false,
      reconnection: false,
      transports: ['websocket'],
      parser: msgpackParser,
      timeout: 10_000,
      auth: this.auth(),
    });
    this.socket = socket;
    socket.on('agent.command', (cmd, ack) => this.onCommand(cmd, ack));
    const welcomed = new Promise((resolve, reject) => {
      let first = true;
      socket.on('agent.welcome', (w) => {
        this.anchor = { serverMs: w.serverNowMs, monoMs: performance.now() };
        this.welcome = w;
        this.online = true;
        this.attempt = 0;
        if (first) {
          first = false;
          resolve(w);
        }
        void this.flush();
      });
      socket.on('connect_error', (err) => {
        const code = err.data?.code ?? err.message;
        this.hooks.onConnectError?.(code);
        this.retryAfterMs = code === 'SERVICE_UNAVAILABLE' ? err.data?.retryAfterMs : undefined;
        if (first && !retry) {
          first = false;
          const cause = err.description?.message ?? err.description?.error?.message;
          reject(new Error(`agent ${this.pcId}: ${code}${cause ? ` (${cause})` : ''}`));
          return;
        }
        this.retry(code);
      });
    });
    socket.on('disconnect', (reason) => {
      this.online = false;
      if (reason === 'io client disconnect' || this.stopped) return;
      this.hooks.onDrop?.(reason);
      if (this.reconnect) this.retry();
    });
    socket.connect();
    return welcomed;
  }

  /** The agent's policy: backoff + jitter; a rejected token is renewed first (like the agent). */
  retry(code) {
    if (this.stopped || !this.reconnect || this.retryTimer) return;
    if (code === 'PC_REVOKED' || code === 'AGENT_UPGRADE_REQUIRED') return;
    const renew = code === 'TOKEN_INVALID' && this.device;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = null;
      if (this.stopped || this.socket.connected) return;
      if (renew) {
        try {
          await this.renewToken();
        } catch {
          return this.retry();
        }
      }
      this.socket.auth = this.auth();
      this.socket.connect();
    }, typeof this.retryAfterMs === 'number' ? this.retryAfterMs : backoffDelay(this.attempt++));
    this.retryAfterMs = undefined;
  }

  onCommand(cmd, ack) {
    this.hooks.onCommand?.(cmd);
    if (typeof ack !== 'function') return;
    const answer = {
      ok: true,
      commandId: cmd.commandId,
      monotonicMs: performance.now(),
      serverMs: this.serverNow(),
    };
    if (cmd.type === 'session.start') {
      this.sessionId = cmd.sessionId;
      this.paused = false;
      ack(answer);
      // As the agent does: journal `session.started` after the unlock and sync it.
      this.track(
        this.sync({
          type: 'session.started',
          sessionId: cmd.sessionId,
          commandId: cmd.commandId,
          unlockedAtMs: answer.serverMs,
        }),
      );
      return;
    }
    if (cmd.type === 'session.end' && cmd.sessionId === this.sessionId) this.sessionId = null;
    if (cmd.type === 'session.pause') this.paused = true;
    if (cmd.type === 'session.resume') this.paused = false;
    ack(answer);
  }

  track(promise) {
    this.pendingSyncs.add(promise);
    promise.catch(() => undefined).finally(() => this.pendingSyncs.delete(promise));
  }

  /** Waits for the syncs this client sent on its own (e.g. `session.started`). */
  async settled() {
    await Promise.all([...this.pendingSyncs]);
  }

  /** The real event envelope around `body`. */
  envelope(body) {
    return {
      eventId: randomUUID(),
      seq: ++this.seq,
      bootId: this.bootId,
      monotonicMs: performance.now(),
      wallMs: Date.now(),
      serverMs: this.serverNow(),
      anchorSource: this.anchor ? 'server' : 'none',
      ...body,
    };
  }

  /** Sends `events` as one batch; resolves with the ack (anchor updated). */
  async send(events) {
    const m0 = performance.now();
    const ack = await this.socket
      .timeout(10_000)
      .emitWithAck('agent.sync', { batchId: randomUUID(), events });
    const m1 = performance.now();
    this.anchor = { serverMs: ack.serverNowMs, monoMs: (m0 + m1) / 2 };
    return { ack, ms: m1 - m0 };
  }

  /** One event in the real envelope, sent as a batch of one; resolves with the ack (throws if not ok). */
  async sync(body) {
    const { ack } = await this.send([this.envelope(body)]);
    const result = ack.results?.[0];
    if (!result?.ok)
      throw new Error(`${body.type} from ${this.pcId} refused: ${JSON.stringify(result ?? ack)}`);
    return ack;
  }

  /** Journals an event: kept until the server acks it, sent now if online, else after the next welcome. */
  journal(body) {
    const event = this.envelope(body);
    this.outbox.push(event);
    void this.flush();
    return event.eventId;
  }

  /** Sends the outbox (one batch); acked events leave it. Reports `onSynced` when it is empty. */
  async flush() {
    if (this.flushing || !this.online) return;
    this.flushing = true;
    try {
      while (this.online && this.outbox.length) {
        const batch = this.outbox.slice(0, 100);
        let acked;
        try {
          acked = (await this.send(batch)).ack;
        } catch {
          return; // disconnected or timed out: resent after the next welcome
        }
        const done = new Set(acked.results.filter((r) => r.ok).map((r) => r.eventId));
        this.outbox = this.outbox.filter((e) => !done.has(e.eventId));
        if (!done.size) return;
      }
      if (this.online && !this.outbox.length) this.hooks.onSynced?.(Date.now());
    } finally {
      this.flushing = false;
    }
  }

  heartbeatBody() {
    return {
      type: 'heartbeat',
      status: this.sessionId ? (this.paused ? 'paused' : 'in_session') : 'locked',
      sessionId: this.sessionId,
      outboxBacklog: this.outbox.length,
      rssBytes: process.memoryUsage.rss(),
      agentVersion: AGENT_VERSION,
    };
  }

  /** Heartbeats at the interval the server configured (welcome), first one at a random offset. */
  startHeartbeats() {
    const everyMs = (this.welcome?.config?.heartbeatIntervalSec ?? 60) * 1000;
    const beat = () => {
      // Not journaled: a heartbeat only says "alive now".
      if (!this.online) return;
      const sent = this.send([this.envelope(this.heartbeatBody())]).then(
        ({ ack, ms }) => {
          const ok = ack.results?.[0]?.ok === true;
          this.hooks.onAck?.('heartbeat', ms, ok);
          if (!ok) throw new Error(`heartbeat from ${this.pcId} refused: ${JSON.stringify(ack)}`);
        },
        (error) => {
          this.hooks.onAck?.('heartbeat', NaN, false);
          throw error;
        },
      );
      this.track(sent);
    };
    this.heartbeat = setTimeout(() => {
      beat();
      this.heartbeat = setInterval(beat, everyMs);
    }, Math.random() * everyMs);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.heartbeat);
    clearInterval(this.heartbeat);
    this.socket?.disconnect();
  }
}
