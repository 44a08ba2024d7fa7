/**
 * The connection against a minimal Socket.IO endpoint in the test (msgpack parser, namespace
 * /agent): not the eControl gateway, just enough to exercise handshake, refusals, flush and acks.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AGENT_PROTOCOL_VERSION,
  MIN_SUPPORTED_AGENT_PROTOCOL,
  agentEventSchema,
  agentHandshakeAuthSchema,
  type CommandAck,
  type EventAck,
} from '@econtrol/contracts';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal.js';
import { ServerClock } from '../session/server-clock.js';
import { AgentConnection, type ConnectionStatus } from './agent-connection.js';

const SERVER_OFFSET = 3_600_000; // the test "server" runs one hour ahead of this PC
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function endpoint(
  opts: {
    refuse?: (auth: unknown) => { code: string; retryAfterMs?: number } | null;
    ackSync?: (events: unknown[]) => EventAck[];
    /** Runs when a sync batch arrives (1-based count), before its ack, which waits `ackDelayMs`. */
    onBatch?: (n: number) => void;
    ackDelayMs?: number;
  } = {},
) {
  const http: HttpServer = createServer();
  const io = new Server(http, { parser: msgpackParser });
  const received: unknown[] = [];
  const handshakes: unknown[] = [];
  const batches = { count: 0, inFlight: 0, maxInFlight: 0 };
  io.of('/agent').use((socket, next) => {
    handshakes.push(socket.handshake.auth);
    const refusal = opts.refuse?.(socket.handshake.auth);
    if (refusal) next(Object.assign(new Error(refusal.code), { data: refusal }));
    else next();
  });
  io.of('/agent').on('connection', (socket) => {
    socket.on('agent.sync', (req: { batchId: string; events: unknown[] }, ack: (a: unknown) => void) => {
      received.push(...req.events);
      batches.count++;
      batches.inFlight++;
      batches.maxInFlight = Math.max(batches.maxInFlight, batches.inFlight);
      opts.onBatch?.(batches.count);
      const results =
        opts.ackSync?.(req.events) ??
        req.events.map((e) => ({ eventId: (e as { eventId: string }).eventId, ok: true as const }));
      setTimeout(() => {
        batches.inFlight--;
        ack({ batchId: req.batchId, serverNowMs: Date.now() + SERVER_OFFSET, results });
      }, opts.ackDelayMs ?? 0);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((r) => void io.close(() => r())));
  return { io, url, received, handshakes, batches };
}

function agentSide(url: string, onCommand?: (cmd: unknown) => Promise<CommandAck>) {
  const journal = new Journal(':memory:');
  const clock = new ServerClock();
  const statuses: ConnectionStatus[] = [];
  let tokenCalls = 0;
  const conn = new AgentConnection({
    serverUrl: url,
    journal,
    clock,
    agentVersion: '0.1.0-test',
    getToken: () => {
      tokenCalls++;
      return Promise.resolve('access-token-for-tests');
    },
    invalidateToken: () => undefined,
    activeSessionId: () => null,
    onCommand:
      onCommand ??
      ((cmd) =>
        Promise.resolve({
          ok: true,
          commandId: (cmd as { commandId: string }).commandId,
          monotonicMs: 1,
          serverMs: null,
        })),
    onWelcome: () => undefined,
    onStatus: (s) => statuses.push(s),
    backoff: { baseMs: 50, maxMs: 200, factor: 2, jitter: 0.5 },
    slowRetryMs: 60_000,
    ackTimeoutMs: 2000,
  });
  cleanups.push(() => {
    conn.stop();
    journal.close();
  });
  const notice = (n: number) =>
    journal.append({ type: 'agent.notice', level: 'info', code: 'test', message: String(n) }, clock.stamp());
  return { journal, clock, conn, statuses, notice, tokenCalls: () => tokenCalls };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('agent connection', () => {
  it('handshakes with the protocol version, replays the outbox in order, deletes acked events, anchors server time', async () => {
    const ep = await endpoint();
    const a = agentSide(ep.url);
    for (let i = 1; i <= 1200; i++) a.notice(i);
    a.conn.start();
    await until(() => a.journal.pendingCount() === 0);
    expect(agentHandshakeAuthSchema.parse(ep.handshakes[0])).toMatchObject({
      protocolVersion: AGENT_PROTOCOL_VERSION,
      agentVersion: '0.1.0-test',
    });
    const events = ep.received.map((e) => agentEventSchema.parse(e));
    expect(events.map((e) => (e.type === 'agent.notice' ? Number(e.message) : 0))).toEqual(
      Array.from({ length: 1200 }, (_, i) => i + 1),
    );
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((x, y) => x - y));
    expect(Math.abs(a.clock.serverNow() - (Date.now() + SERVER_OFFSET))).toBeLessThan(1000);
    expect(a.statuses).toContain('online');
  });

  it('one sync batch in flight at a time; events journaled during the replay follow in order', async () => {
    const side: { a?: ReturnType<typeof agentSide> } = {};
    const ep = await endpoint({
      ackDelayMs: 20,
      // While the server holds the 2nd batch (the agent has already read the 3rd): 50 more events.
      onBatch: (n) => {
        if (n === 2) for (let i = 451; i <= 500; i++) side.a!.notice(i);
      },
    });
    const a = (side.a = agentSide(ep.url));
    for (let i = 1; i <= 450; i++) a.notice(i);
    a.conn.start();
    await until(() => a.journal.pendingCount() === 0);
    const messages = ep.received.map((e) =>
      Number((agentEventSchema.parse(e) as { message: string }).message),
    );
    expect(messages).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(ep.batches.maxInFlight).toBe(1);
    expect(ep.batches.count).toBe(5);
  });

  it('keeps events the server did not accept; dead-letters the ones refused for good', async () => {
    let retryable = true;
    const ep = await endpoint({
      ackSync: (events) =>
        events.map((e, i) => {
          const eventId = (e as { eventId: string }).eventId;
          if (i === 1)
            return retryable
              ? { eventId, ok: false, code: 'SERVICE_UNAVAILABLE', retryable: true }
              : { eventId, ok: true };
          if (i === 2) return { eventId, ok: false, code: 'VALIDATION_FAILED', retryable: false };
          return { eventId, ok: true };
        }),
    });
    const a = agentSide(ep.url);
    for (let i = 1; i <= 4; i++) a.notice(i);
    a.conn.start();
    await until(() => a.journal.deadLetterCount() === 1);
    expect(a.journal.peek(10).map((e) => (e.event as { message: string }).message)).toEqual(['2']);
    retryable = false;
    a.notice(5);
    a.conn.flushSoon();
    await until(() => a.journal.pendingCount() === 0);
  });

  it('dispatches commands and returns the handler ack; invalid commands get VALIDATION_FAILED', async () => {
    const ep = await endpoint();
    const a = agentSide(ep.url);
    a.conn.start();
    await until(() => a.conn.connected);
    const [socket] = await ep.io.of('/agent').fetchSockets();
    if (!socket) throw new Error('no socket');
    const commandId = '44444444-4444-4444-8444-444444444444';
    const ack = (await socket.timeout(2000).emitWithAck('agent.command', {
      commandId,
      serverNowMs: Date.now(),
      type: 'pc.message',
      text: 'Hola',
    })) as CommandAck;
    expect(ack).toMatchObject({ ok: true, commandId });
    const bad = (await socket
      .timeout(2000)
      .emitWithAck('agent.command', { commandId, type: 'pc.explode' })) as CommandAck;
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', commandId });
  });

  it("a busy server's retryAfterMs sets the next attempt instead of the backoff", async () => {
    const at: number[] = [];
    const ep = await endpoint({
      refuse: () => {
        at.push(Date.now());
        return at.length <= 3 ? { code: 'SERVICE_UNAVAILABLE', retryAfterMs: 300 } : null;
      },
    });
    const a = agentSide(ep.url); // its own backoff: 50 ms doubling, so 3 refusals would be ~350 ms
    a.conn.start();
    await until(() => a.conn.currentStatus === 'online');
    expect(at).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(290);
  });

  it('S15: AGENT_UPGRADE_REQUIRED puts the agent in upgrade_required without a tight retry loop', async () => {
    const ep = await endpoint({
      refuse: (auth) =>
        (auth as { protocolVersion: number }).protocolVersion < MIN_SUPPORTED_AGENT_PROTOCOL + 1
          ? { code: 'AGENT_UPGRADE_REQUIRED' }
          : null,
    });
    const a = agentSide(ep.url);
    a.conn.start();
    await until(() => a.statuses.includes('upgrade_required'));
    await new Promise((r) => setTimeout(r, 500));
    expect(ep.handshakes).toHaveLength(1);
    expect(a.conn.currentStatus).toBe('upgrade_required');
  });

  it('reconnects with backoff after the server goes away and flushes what was journaled meanwhile', async () => {
    const ep = await endpoint();
    const a = agentSide(ep.url);
    a.conn.start();
    await until(() => a.conn.connected);
    const port = Number(new URL(ep.url).port);
    await new Promise<void>((r) => void ep.io.close(() => r()));
    await until(() => !a.conn.connected);
    a.notice(1);
    a.notice(2);
    // Same port, new server.
    const http = createServer();
    const io = new Server(http, { parser: msgpackParser });
    const got: unknown[] = [];
    io.of('/agent').on('connection', (s) =>
      s.on(
        'agent.sync',
        (req: { batchId: string; events: { eventId: string }[] }, ack: (x: unknown) => void) => {
          got.push(...req.events);
          ack({
            batchId: req.batchId,
            serverNowMs: Date.now(),
            results: req.events.map((e) => ({ eventId: e.eventId, ok: true })),
          });
        },
      ),
    );
    for (let tries = 0; ; tries++) {
      try {
        await new Promise<void>((resolve, reject) => {
          http.once('error', reject);
          http.listen(port, '127.0.0.1', () => resolve());
        });
        break;
      } catch (error) {
        if (tries > 20) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    cleanups.push(() => new Promise<void>((r) => void io.close(() => r())));
    await until(() => got.length === 2, 5000);
    // the ack is processed asynchronously after the server received the batch
    await until(() => a.journal.pendingCount() === 0, 5000);
    expect(got.map((e) => (e as { type: string }).type)).toEqual(['agent.notice', 'agent.notice']);
  });
});
