/**
 * Socket.IO gateway for PC agents (namespace /agent, msgpack parser), attached to the Fastify HTTP
 * server. Implements {@link AgentPort}: commands go to the PC's socket and wait for the agent's ack.
 * Protocol: packages/contracts/src/agent-protocol.ts.
 *
 * - Handshake: protocol version (S15 → AGENT_UPGRADE_REQUIRED), device token (TOKEN_INVALID), and
 *   the credential/PC checked against the DB (PC_REVOKED: a retired PC is refused at once; a PC
 *   retired while connected is disconnected and then refused on reconnect).
 * - Rooms: one per LAN center (`lan:<id>`) and one per PC (`pc:<id>`); one socket per PC in the
 *   whole cluster (a newer connection replaces the old one, on whichever instance it is).
 * - `agent.welcome` right after connect: server time, config, the session the server has running
 *   on this PC (S2: a restarted agent learns whether staff ended its session meanwhile).
 * - `agent.sync` batches go to the sync handler (AgentSyncService).
 *
 * Scaled mode (REDIS_URL): the Socket.IO Redis adapter makes rooms cluster-wide. A command is a
 * broadcast-with-ack to the PC's room, so it reaches the agent on whichever instance holds its
 * socket and the ack comes back to the sender (the adapter relays both through Redis). `sockets`
 * indexes the sockets this process holds (to cut off a retired PC quickly, or an older socket of a
 * PC that connected again elsewhere); `waiters` only wakes a waiting `session.start` early (it
 * re-polls the room anyway). See README "Scaled mode".
 *
 * Per-connection cost (10,000 agents per instance, `npm run bench:agents`): a handshake is one
 * token check and one prepared query; the last-seen write is batched (PcPresenceService); checks
 * and announcements to the other instances are batched per BATCH_MS.
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import * as msgpackParser from 'socket.io-msgpack-parser';
import {
  AGENT_SOCKET_NAMESPACE,
  MIN_SUPPORTED_AGENT_PROTOCOL,
  type AgentConfig,
  type AgentConnectErrorData,
  type AgentSyncAck,
  type AgentWelcome,
  type ErrorCode,
  agentCommandSchema,
  agentConfigSchema,
  agentHandshakeAuthSchema,
  agentSocketEvents,
  commandAckSchema,
  errorCatalog,
  lanCenterSettingsSchema,
} from '@econtrol/contracts';
import { buildZoneTable, type ZoneTable } from '@econtrol/billing';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError } from '../common/app-error.js';
import { TokenService } from '../auth/token.service.js';
import { EventBus } from '../events/event-bus.js';
import type { AgentCommandInput, AgentCommandResult, AgentPort } from '../sessions/agent-port.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';
import { HandshakeAdmission } from './handshake-admission.js';
import { PcPresenceService } from './pc-presence.service.js';
import { redisClient, redisNamespace } from '../kv/redis.js';

/** Who is on the other end of an agent socket (set by the handshake). */
export interface AgentSocketContext {
  pcId: string;
  credentialId: string;
  organizationId: string;
  lanCenterId: string;
  bootId: string;
  agentVersion: string;
  protocolVersion: number;
  /** The session the agent runs (or resumes) at connect time. */
  activeSessionId: string | null;
}

type HandshakeContext = NonNullable<Awaited<ReturnType<AgentGatewayRepository['handshakeContext']>>>;

export type AgentSyncHandler = (ctx: AgentSocketContext, raw: unknown) => Promise<AgentSyncAck>;

export const lanRoom = (lanCenterId: string) => `lan:${lanCenterId}`;
export const pcRoom = (pcId: string) => `pc:${pcId}`;

/** Server-to-server events (scaled mode, through the adapter). */
const AGENT_CONNECTED = 'ec:agent-connected';
/** Batched form: [pcId, socketId][] (older instances only send AGENT_CONNECTED). */
const AGENTS_CONNECTED = 'ec:agents-connected';
const AGENT_RECHECK = 'ec:agent-recheck';
/** Credential checks after `pc.updated`, and connect announcements, are batched over this window. */
const BATCH_MS = 50;
/** A `session.start` waiting for its agent re-polls the cluster at least this often. */
const RECONNECT_POLL_MS = 500;
const DAY_MS = 86_400_000;

function connectError(code: ErrorCode, extra: { message?: string; retryAfterMs?: number } = {}): Error & { data: AgentConnectErrorData } {
  const err = new Error(code) as Error & { data: AgentConnectErrorData };
  err.data = {
    code,
    message: extra.message ?? `${errorCatalog[code].es} / ${errorCatalog[code].en}`,
    ...(code === 'AGENT_UPGRADE_REQUIRED' ? { minProtocolVersion: MIN_SUPPORTED_AGENT_PROTOCOL } : {}),
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  };
  return err;
}

@Injectable()
export class AgentGateway implements AgentPort, OnModuleInit, OnModuleDestroy {
  private io: Server | null = null;
  private nsp: Namespace | null = null;
  private redis: Redis[] = [];
  private readonly sockets = new Map<string, Socket>();
  /** What the handshake read, for the welcome right after it. */
  private readonly handshakes = new WeakMap<Socket, HandshakeContext>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly zoneTables = new Map<string, { day: number; table: ZoneTable }>();
  private readonly admission: HandshakeAdmission;
  /** Admitted handshakes' slot release, until the welcome is sent. */
  private readonly admitted = new WeakMap<Socket, (welcomed: boolean) => void>();
  private readonly recheckHere = new Set<string>();
  private readonly recheckRemote = new Set<string>();
  private recheckTimer: NodeJS.Timeout | null = null;
  private readonly announced: [pcId: string, socketId: string][] = [];
  private announceTimer: NodeJS.Timeout | null = null;
  private syncHandler: AgentSyncHandler | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly logger = new Logger('AgentGateway');

  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AgentGatewayRepository) private readonly repo: AgentGatewayRepository,
    @Inject(PcPresenceService) private readonly presence: PcPresenceService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {
    this.admission = new HandshakeAdmission(config.AGENT_MAX_HANDSHAKES);
  }

  onModuleInit(): void {
    // A PC retired (or re-enrolled) while connected is cut off at once.
    // Domain events are in-process: the other instances are asked to check their own sockets.
    this.unsubscribe = this.events.on('pc.updated', ({ pcId }) => this.recheck(pcId, true));
  }

  /**
   * Queues a check of this process's socket of `pcId` (disconnected if its credential or PC is no
   * longer active) and, for a local event, asks the other instances too. Batched: one query and
   * one Redis message per BATCH_MS, however many PCs changed (e.g. a floor coming online).
   */
  private recheck(pcId: string, tellOthers: boolean): void {
    if (this.sockets.has(pcId)) this.recheckHere.add(pcId);
    if (tellOthers && this.redis.length) this.recheckRemote.add(pcId);
    if ((this.recheckHere.size || this.recheckRemote.size) && !this.recheckTimer) {
      this.recheckTimer = setTimeout(() => void this.flushRechecks(), BATCH_MS);
    }
  }

  private async flushRechecks(): Promise<void> {
    this.recheckTimer = null;
    const remote = [...this.recheckRemote];
    this.recheckRemote.clear();
    for (let i = 0; i < remote.length; i += 1000) this.nsp?.serverSideEmit(AGENT_RECHECK, remote.slice(i, i + 1000));
    const sockets = [...this.recheckHere].flatMap((pcId) => {
      const socket = this.sockets.get(pcId);
      return socket ? [socket] : [];
    });
    this.recheckHere.clear();
    if (!sockets.length) return;
    try {
      const active = await this.repo.activeCredentials(sockets.map((s) => (s.data as AgentSocketContext).credentialId));
      for (const socket of sockets) {
        const ctx = socket.data as AgentSocketContext;
        if (active.get(ctx.credentialId) !== ctx.pcId) socket.disconnect(true);
      }
    } catch (error) {
      this.logger.warn(`recheck of ${sockets.length} agents failed: ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const timer of [this.recheckTimer, this.announceTimer]) if (timer) clearTimeout(timer);
    this.recheckTimer = null;
    this.announceTimer = null;
    const io = this.io;
    this.io = null;
    this.nsp = null;
    if (io) {
      // This instance's sockets only (a cluster-wide disconnect would cut every agent).
      io.of(AGENT_SOCKET_NAMESPACE).local.disconnectSockets(true);
      // Closes engine.io clients only; the HTTP server itself is closed by Nest/Fastify.
      io.engine.close();
    }
    this.sockets.clear();
    for (const client of this.redis.splice(0)) void client.quit().catch(() => client.disconnect());
  }

  setSyncHandler(handler: AgentSyncHandler): void {
    this.syncHandler = handler;
  }

  /** Attaches Socket.IO to the app's HTTP server (once). */
  attach(httpServer: HttpServer): void {
    if (this.io) return;
    let adapter: ReturnType<typeof createAdapter> | undefined;
    if (this.config.REDIS_URL) {
      // Scaled mode: rooms, broadcasts and acks across instances (one publisher, one subscriber).
      const pub = redisClient(this.config.REDIS_URL);
      const sub = pub.duplicate();
      for (const c of [pub, sub]) c.on('error', (error: Error) => this.logger.warn(`redis adapter: ${error.message}`));
      this.redis = [pub, sub];
      adapter = createAdapter(pub, sub, { key: `${redisNamespace(this.config.REDIS_URL)}:socket.io`, requestsTimeout: 5_000 });
    }
    const io = new Server(httpServer, {
      ...(adapter ? { adapter } : {}),
      parser: msgpackParser,
      serveClient: false,
      transports: ['websocket', 'polling'],
      pingInterval: 20_000,
      pingTimeout: 20_000,
      maxHttpBufferSize: 2_000_000,
    });
    const nsp = io.of(AGENT_SOCKET_NAMESPACE);
    nsp.use((socket, next) => {
      const admitted = this.admission.admit();
      if (!admitted.ok) {
        next(connectError('SERVICE_UNAVAILABLE', { retryAfterMs: admitted.retryAfterMs }));
        return;
      }
      let held = true;
      const release = (welcomed: boolean): void => {
        if (held) this.admission.release(welcomed);
        held = false;
      };
      this.admitted.set(socket, release);
      socket.conn.once('close', () => release(false));
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          release(false);
          const code = error instanceof AppError ? error.code : 'SERVICE_UNAVAILABLE';
          next(connectError(code));
        },
      );
    });
    nsp.on('connection', (socket) => void this.onConnection(socket));
    if (adapter) {
      nsp.on(AGENT_CONNECTED, (pcId: unknown) => typeof pcId === 'string' && this.wake(pcId));
      nsp.on(AGENTS_CONNECTED, (list: unknown) => this.onAgentsConnected(list));
      nsp.on(AGENT_RECHECK, (ids: unknown) => {
        for (const pcId of Array.isArray(ids) ? (ids as unknown[]) : [ids]) if (typeof pcId === 'string') this.recheck(pcId, false);
      });
    }
    this.io = io;
    this.nsp = nsp;
  }

  /** Whether this process holds a socket of the PC (the cluster may hold it elsewhere). */
  isConnectedHere(pcId: string): boolean {
    return this.sockets.get(pcId)?.connected ?? false;
  }

  /** The PC's sockets in the whole cluster (one remote round trip in scaled mode). */
  async isConnected(pcId: string): Promise<boolean> {
    if (!this.nsp) return false;
    return (await this.nsp.in(pcRoom(pcId)).fetchSockets()).length > 0;
  }

  private wake(pcId: string): void {
    for (const wake of this.waiters.get(pcId) ?? []) wake();
    this.waiters.delete(pcId);
  }

  /** The Socket.IO server (null before attach); other namespaces hang off it. */
  get server(): Server | null {
    return this.io;
  }

  /** PCs whose agent is connected to this process. */
  get connectedPcIds(): string[] {
    return [...this.sockets.keys()];
  }

  private async authenticate(socket: Socket): Promise<void> {
    const raw = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    // Version first, so an old agent whose handshake shape differs still learns it must upgrade.
    const version = raw.protocolVersion;
    if (typeof version !== 'number' || version < MIN_SUPPORTED_AGENT_PROTOCOL) {
      throw new AppError('AGENT_UPGRADE_REQUIRED');
    }
    const auth = agentHandshakeAuthSchema.safeParse(raw);
    if (!auth.success) throw new AppError('TOKEN_INVALID');
    const claims = await this.tokens.verifyAccess(auth.data.token);
    if (claims.kind !== 'device' || !claims.pcId || !claims.organizationId) throw new AppError('TOKEN_INVALID');
    // The agent gave up waiting (overload, e.g. a reconnect storm): do not add a query for nobody.
    if (socket.conn.readyState !== 'open') throw new AppError('SERVICE_UNAVAILABLE');
    // One query: credential active + PC not retired, and what the welcome needs.
    const found = await this.repo.handshakeContext(claims.userId, claims.pcId);
    if (!found) throw new AppError('PC_REVOKED');
    const ctx: AgentSocketContext = {
      pcId: claims.pcId,
      credentialId: claims.userId,
      organizationId: claims.organizationId,
      lanCenterId: claims.lanCenterIds[0] ?? '',
      bootId: auth.data.bootId,
      agentVersion: auth.data.agentVersion,
      protocolVersion: auth.data.protocolVersion,
      activeSessionId: auth.data.activeSessionId,
    };
    socket.data = ctx;
    this.handshakes.set(socket, found);
  }

  private async onConnection(socket: Socket): Promise<void> {
    const release = this.admitted.get(socket);
    this.admitted.delete(socket);
    let welcomed = false;
    try {
      welcomed = await this.welcome(socket);
    } finally {
      release?.(welcomed);
    }
  }

  /** Registers the agent's socket and sends its welcome; false when it could not be welcomed. */
  private async welcome(socket: Socket): Promise<boolean> {
    const ctx = socket.data as AgentSocketContext;
    const found = this.handshakes.get(socket);
    this.handshakes.delete(socket);
    const previous = this.sockets.get(ctx.pcId);
    if (previous && previous.id !== socket.id) previous.disconnect(true);
    this.sockets.set(ctx.pcId, socket);
    await socket.join([lanRoom(ctx.lanCenterId), pcRoom(ctx.pcId)]);
    socket.on('disconnect', () => {
      if (this.sockets.get(ctx.pcId) === socket) this.sockets.delete(ctx.pcId);
    });
    socket.on(agentSocketEvents.sync, (raw: unknown, ack?: (a: AgentSyncAck) => void) => {
      if (typeof ack !== 'function') return;
      const handler = this.syncHandler;
      if (!handler) return;
      handler(ctx, raw).then(ack, (error: unknown) => {
        this.logger.warn(`sync from ${ctx.pcId} failed: ${(error as Error).message}`);
      });
    });
    try {
      // Not held for the batching window: a connect usually changes the PC's status (OFFLINE →
      // AVAILABLE) and the agent is online from now on. Under load (a reconnect storm) the writes
      // still group: what queues while MAX_FLUSHES_IN_FLIGHT batches are written goes together.
      await this.presence.seen(ctx.pcId, { agentVersion: ctx.agentVersion, protocolVersion: ctx.protocolVersion }, { immediate: true });
      if (!found) {
        socket.disconnect(true);
        return false;
      }
      const live = found.live;
      const config = this.agentConfig(found);
      // Stamped last: the agent takes it as the server's time on arrival (building a zone table
      // takes tens of ms once a day).
      const welcome: AgentWelcome = {
        pcId: ctx.pcId,
        config,
        activeSessionId: live && live.status !== 'PENDING' ? live.id : null,
        serverNowMs: Date.now(),
      };
      if (socket.connected) socket.emit(agentSocketEvents.welcome, welcome);
      // The agent still runs a session the server ended while it was away (e.g. staff ended it
      // during a network cut): lock the PC now.
      const stale = ctx.activeSessionId;
      if (stale && stale !== (live?.id ?? null)) {
        void this.send(ctx.pcId, { type: 'session.end', sessionId: stale, reason: 'staff' }, 5_000).catch(() => undefined);
      }
    } catch (error) {
      this.logger.warn(`welcome for ${ctx.pcId} failed: ${(error as Error).message}`);
      return false;
    }
    this.wake(ctx.pcId);
    if (this.redis.length && socket.connected) this.announce(ctx.pcId, socket.id);
    return true;
  }

  /**
   * Tells the other instances (batched, one Redis message per BATCH_MS): they cut an older socket
   * of the PC (e.g. a half-open connection), so a command reaches one agent only, and wake their
   * `session.start` waiting for it.
   */
  private announce(pcId: string, socketId: string): void {
    this.announced.push([pcId, socketId]);
    this.announceTimer ??= setTimeout(() => {
      this.announceTimer = null;
      const batch = this.announced.splice(0);
      for (let i = 0; i < batch.length; i += 1000) this.nsp?.serverSideEmit(AGENTS_CONNECTED, batch.slice(i, i + 1000));
    }, BATCH_MS);
  }

  private onAgentsConnected(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const item of list as unknown[]) {
      const [pcId, socketId] = Array.isArray(item) ? (item as unknown[]) : [];
      if (typeof pcId !== 'string') continue;
      const local = this.sockets.get(pcId);
      if (local && local.id !== socketId) local.disconnect(true);
      this.wake(pcId);
    }
  }

  /** The agent's configuration from its LAN center's settings. */
  private agentConfig(found: HandshakeContext): AgentConfig {
    const rawSettings = (found.lan.settings ?? {}) as { agent?: { heartbeatIntervalSeconds?: unknown } };
    const settings = lanCenterSettingsSchema.parse(found.lan.settings ?? {});
    const heartbeat =
      typeof rawSettings.agent?.heartbeatIntervalSeconds === 'number'
        ? settings.agent.heartbeatIntervalSeconds
        : this.config.HEARTBEAT_INTERVAL_S;
    return agentConfigSchema.parse({
      heartbeatIntervalSec: Math.min(3600, Math.max(5, heartbeat)),
      locale: 'es',
      currency: found.currency,
      lanCenterName: found.lan.name.slice(0, 120),
      pcName: found.pc.name.slice(0, 60),
      timezone: found.lan.timezone,
      guard: {
        blockList: settings.agent.processBlockList,
        allowList: settings.agent.processAllowList,
        enforceAllowListWhenLocked: true,
      },
      shopProducts: [],
      zoneTable: this.zoneTable(found.lan.timezone),
    });
  }

  /**
   * The zone's offsets from yesterday to two years ahead (an agent offline that long falls back
   * to Intl). Built once per zone and day: a reconnect storm does not rebuild it per agent.
   */
  private zoneTable(timeZone: string): ZoneTable {
    const day = Math.floor(Date.now() / DAY_MS);
    const cached = this.zoneTables.get(timeZone);
    if (cached?.day === day) return cached.table;
    const table = buildZoneTable(timeZone, (day - 1) * DAY_MS, (day + 731) * DAY_MS);
    this.zoneTables.set(timeZone, { day, table });
    return table;
  }

  /** Waits until an agent of `pcId` connects somewhere (woken early) or `ms` pass. */
  private pause(pcId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(pcId) ?? new Set<() => void>();
      this.waiters.set(pcId, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size && this.waiters.get(pcId) === set) this.waiters.delete(pcId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /**
   * Sends a command and waits for the agent's ack; no answer in time → PC_UNREACHABLE (the caller
   * decides what that means). The command is a broadcast-with-ack to the PC's room: it reaches the
   * agent on any instance. For `session.start` an agent that is not connected gets until the
   * timeout to (re)connect; other commands fail at once when it is not connected.
   */
  async send(pcId: string, input: AgentCommandInput, timeoutMs: number): Promise<AgentCommandResult> {
    const deadline = Date.now() + timeoutMs;
    const waitForAgent = input.type === 'session.start';
    const commandId = randomUUID();
    for (;;) {
      const nsp = this.nsp;
      if (!nsp) return { ok: false, code: 'PC_UNREACHABLE' };
      const sentAt = Date.now();
      const remaining = deadline - sentAt;
      if (remaining <= 0) return { ok: false, code: 'PC_UNREACHABLE' };
      // Same commandId on every attempt: the agent applies a command once.
      const parsed = agentCommandSchema.safeParse({ ...input, commandId, serverNowMs: sentAt });
      if (!parsed.success) {
        this.logger.error(`invalid ${input.type} command for ${pcId}: ${parsed.error.issues[0]?.message}`);
        return { ok: false, code: 'VALIDATION_FAILED' };
      }
      let acks: unknown[];
      try {
        acks = (await nsp.to(pcRoom(pcId)).timeout(remaining).emitWithAck(agentSocketEvents.command, parsed.data)) as unknown[];
      } catch {
        return { ok: false, code: 'PC_UNREACHABLE' };
      }
      if (acks.length > 0) return this.result(input, acks, sentAt);
      // No agent of this PC anywhere in the cluster right now.
      if (!waitForAgent) return { ok: false, code: 'PC_UNREACHABLE' };
      await this.pause(pcId, Math.min(RECONNECT_POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }

  private result(input: AgentCommandInput, acks: unknown[], sentAt: number): AgentCommandResult {
    const receivedAt = Date.now();
    const parsedAcks = acks.map((raw) => commandAckSchema.safeParse(raw));
    // Normally one socket per PC; during a hand-over the successful ack wins.
    const ack = parsedAcks.find((a) => a.success && a.data.ok) ?? parsedAcks[0]!;
    if (!ack.success) return { ok: false, code: 'INTERNAL_ERROR' };
    if (!ack.data.ok) return { ok: false, code: ack.data.code };
    const session = ack.data.session;
    // The agent's instant, bounded by the round trip: a PC clock can never move it outside.
    const reported =
      input.type === 'session.start' ? (session?.intervals[0]?.startMs ?? ack.data.serverMs) : ack.data.serverMs;
    const ackedAtMs = Math.min(receivedAt, Math.max(sentAt, reported ?? receivedAt));
    return { ok: true, ackedAtMs, ...(session ? { session } : {}) };
  }
}
