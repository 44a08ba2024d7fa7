// A lightweight PC-agent protocol client for benches (no agent process, no journal, no lock screen):
// the real enrollment REST calls, the real /agent Socket.IO handshake (msgpack parser), acks to
// `agent.command` per the contract and `agent.sync` batches of one event with the real envelope.
// Protocol: packages/contracts/src/agent-protocol.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { root } from '../node-guard.mjs';

const AGENT_VERSION = JSON.parse(readFileSync(join(root, 'apps/agent/package.json'), 'utf8')).version;
const PROTOCOL_VERSION = 1; // AGENT_PROTOCOL_VERSION

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

  constructor(base, pcId) {
    this.base = base;
    this.pcId = pcId;
  }

  /** Pairing code (manager) → enroll → device token. */
  async enroll(managerToken, hostname) {
    const { code } = await post(this.base, `/api/v1/pcs/${this.pcId}/pairing-code`, undefined, managerToken);
    const enrolled = await post(this.base, '/api/v1/agent/enroll', {
      pairingCode: code,
      machine: { hostname, os: 'linux', agentVersion: AGENT_VERSION },
    });
    if (enrolled.pcId !== this.pcId) throw new Error(`enrolled as ${enrolled.pcId}, expected ${this.pcId}`);
    this.device = { deviceId: enrolled.deviceId, deviceSecret: enrolled.deviceSecret };
    this.token = (await post(this.base, '/api/v1/agent/token', this.device)).accessToken;
  }

  serverNow() {
    if (!this.anchor) return null;
    return Math.round(this.anchor.serverMs + (performance.now() - this.anchor.monoMs));
  }

  /** Connects and resolves at `agent.welcome`. */
  connect() {
    const socket = io(`${this.base}/agent`, {
      autoConnect: false,
      reconnection: false,
      transports: ['websocket'],
      parser: msgpackParser,
      timeout: 10_000,
      auth: {
        token: this.token,
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: AGENT_VERSION,
        bootId: this.bootId,
        activeSessionId: this.sessionId,
      },
    });
    this.socket = socket;
    socket.on('agent.command', (cmd, ack) => this.onCommand(cmd, ack));
    const welcomed = new Promise((resolve, reject) => {
      socket.once('agent.welcome', (w) => {
        this.anchor = { serverMs: w.serverNowMs, monoMs: performance.now() };
        this.welcome = w;
        resolve(w);
      });
      socket.once('connect_error', (err) =>
        reject(new Error(`agent ${this.pcId}: ${err.data?.code ?? err.message}`)),
      );
    });
    socket.connect();
    return welcomed;
  }

  onCommand(cmd, ack) {
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

  /** One event in the real envelope, sent as a batch of one; resolves with the ack (throws if not ok). */
  async sync(body) {
    const event = {
      eventId: randomUUID(),
      seq: ++this.seq,
      bootId: this.bootId,
      monotonicMs: performance.now(),
      wallMs: Date.now(),
      serverMs: this.serverNow(),
      anchorSource: this.anchor ? 'server' : 'none',
      ...body,
    };
    const m0 = performance.now();
    const ack = await this.socket
      .timeout(10_000)
      .emitWithAck('agent.sync', { batchId: randomUUID(), events: [event] });
    const m1 = performance.now();
    this.anchor = { serverMs: ack.serverNowMs, monoMs: (m0 + m1) / 2 };
    const result = ack.results?.[0];
    if (!result?.ok)
      throw new Error(`${body.type} from ${this.pcId} refused: ${JSON.stringify(result ?? ack)}`);
    return ack;
  }

  /** Heartbeats at the interval the server configured (welcome), first one at a random offset. */
  startHeartbeats() {
    const everyMs = (this.welcome?.config?.heartbeatIntervalSec ?? 60) * 1000;
    const beat = () =>
      this.track(
        this.sync({
          type: 'heartbeat',
          status: this.sessionId ? (this.paused ? 'paused' : 'in_session') : 'locked',
          sessionId: this.sessionId,
          outboxBacklog: 0,
          rssBytes: process.memoryUsage().rss,
          agentVersion: AGENT_VERSION,
        }),
      );
    this.heartbeat = setTimeout(() => {
      beat();
      this.heartbeat = setInterval(beat, everyMs);
    }, Math.random() * everyMs);
  }

  close() {
    clearTimeout(this.heartbeat);
    clearInterval(this.heartbeat);
    this.socket?.disconnect();
  }
}
