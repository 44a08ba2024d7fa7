/**
 * Socket.IO gateway for PC agents (namespace /agent, msgpack parser), attached to the Fastify HTTP
 * server. Implements {@link AgentPort}: commands go to the PC's socket and wait for the agent's ack.
 * Protocol: packages/contracts/src/agent-protocol.ts.
 *
 * - Handshake: protocol version (S15 → AGENT_UPGRADE_REQUIRED), device token (TOKEN_INVALID), and
 *   the credential/PC checked against the DB (PC_REVOKED: a retired PC is refused at once; a PC
 *   retired while connected is disconnected and then refused on reconnect).
 * - One room per LAN center (`lan:<id>`), one socket per PC (a newer connection replaces the old).
 * - `agent.welcome` right after connect: server time, config, the session the server has running
 *   on this PC (S2: a restarted agent learns whether staff ended its session meanwhile).
 * - `agent.sync` batches go to the sync handler (AgentSyncService).
 *
 * Scaled mode caveat: commands reach only agents connected to this instance (see the report).
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Server, type Socket } from 'socket.io';
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
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError } from '../common/app-error.js';
import { TokenService } from '../auth/token.service.js';
import { EventBus } from '../events/event-bus.js';
import { DevicesRepository } from '../devices/devices.repository.js';
import type { AgentCommandInput, AgentCommandResult, AgentPort } from '../sessions/agent-port.js';
import { AgentGatewayRepository } from './agent-gateway.repository.js';
import { PcPresenceService } from './pc-presence.service.js';

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

export type AgentSyncHandler = (ctx: AgentSocketContext, raw: unknown) => Promise<AgentSyncAck>;

export const lanRoom = (lanCenterId: string) => `lan:${lanCenterId}`;

function connectError(code: ErrorCode, message?: string): Error & { data: AgentConnectErrorData } {
  const err = new Error(code) as Error & { data: AgentConnectErrorData };
  err.data = {
    code,
    message: message ?? `${errorCatalog[code].es} / ${errorCatalog[code].en}`,
    ...(code === 'AGENT_UPGRADE_REQUIRED' ? { minProtocolVersion: MIN_SUPPORTED_AGENT_PROTOCOL } : {}),
  };
  return err;
}

@Injectable()
export class AgentGateway implements AgentPort, OnModuleInit, OnModuleDestroy {
  private io: Server | null = null;
  private readonly sockets = new Map<string, Socket>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private syncHandler: AgentSyncHandler | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly logger = new Logger('AgentGateway');

  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(DevicesRepository) private readonly devices: DevicesRepository,
    @Inject(AgentGatewayRepository) private readonly repo: AgentGatewayRepository,
    @Inject(PcPresenceService) private readonly presence: PcPresenceService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A PC retired (or re-enrolled) while connected is cut off at once.
    this.unsubscribe = this.events.on('pc.updated', ({ pcId }) => {
      const socket = this.sockets.get(pcId);
      if (!socket) return;
      const ctx = socket.data as AgentSocketContext;
      void this.devices.isActive(ctx.credentialId, pcId).then(
        (active) => {
          if (!active) socket.disconnect(true);
        },
        () => undefined,
      );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    const io = this.io;
    this.io = null;
    if (io) {
      io.of(AGENT_SOCKET_NAMESPACE).disconnectSockets(true);
      // Closes engine.io clients only; the HTTP server itself is closed by Nest/Fastify.
      io.engine.close();
    }
    this.sockets.clear();
  }

  setSyncHandler(handler: AgentSyncHandler): void {
    this.syncHandler = handler;
  }

  /** Attaches Socket.IO to the app's HTTP server (once). */
  attach(httpServer: HttpServer): void {
    if (this.io) return;
    const io = new Server(httpServer, {
      parser: msgpackParser,
      serveClient: false,
      transports: ['websocket', 'polling'],
      pingInterval: 20_000,
      pingTimeout: 20_000,
      maxHttpBufferSize: 2_000_000,
    });
    const nsp = io.of(AGENT_SOCKET_NAMESPACE);
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const code = error instanceof AppError ? error.code : 'SERVICE_UNAVAILABLE';
          next(connectError(code));
        },
      );
    });
    nsp.on('connection', (socket) => void this.onConnection(socket));
    this.io = io;
  }

  /** The Socket.IO server (null before attach); other namespaces hang off it. */
  get server(): Server | null {
    return this.io;
  }

  get connectedPcIds(): string[] {
    return [...this.sockets.keys()];
  }

  isConnected(pcId: string): boolean {
    return this.sockets.get(pcId)?.connected ?? false;
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
    if (!(await this.devices.isActive(claims.userId, claims.pcId))) throw new AppError('PC_REVOKED');
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
  }

  private async onConnection(socket: Socket): Promise<void> {
    const ctx = socket.data as AgentSocketContext;
    const previous = this.sockets.get(ctx.pcId);
    if (previous && previous.id !== socket.id) previous.disconnect(true);
    this.sockets.set(ctx.pcId, socket);
    void socket.join(lanRoom(ctx.lanCenterId));
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
      await this.presence.seen(ctx.pcId, { agentVersion: ctx.agentVersion, protocolVersion: ctx.protocolVersion });
      const found = await this.welcome(ctx.pcId);
      if (!found) {
        socket.disconnect(true);
        return;
      }
      if (socket.connected) socket.emit(agentSocketEvents.welcome, found.welcome);
      // The agent still runs a session the server ended while it was away (e.g. staff ended it
      // during a network cut): lock the PC now.
      const stale = ctx.activeSessionId;
      if (stale && stale !== found.liveSessionId) {
        void this.send(ctx.pcId, { type: 'session.end', sessionId: stale, reason: 'staff' }, 5_000).catch(() => undefined);
      }
    } catch (error) {
      this.logger.warn(`welcome for ${ctx.pcId} failed: ${(error as Error).message}`);
    }
    for (const wake of this.waiters.get(ctx.pcId) ?? []) wake();
    this.waiters.delete(ctx.pcId);
  }

  private async welcome(pcId: string): Promise<{ welcome: AgentWelcome; liveSessionId: string | null } | undefined> {
    const config = await this.agentConfig(pcId);
    if (!config) return undefined;
    const live = await this.repo.liveSession(pcId);
    return {
      welcome: { serverNowMs: Date.now(), pcId, config, activeSessionId: live && live.status !== 'PENDING' ? live.id : null },
      liveSessionId: live?.id ?? null,
    };
  }

  /** The agent's configuration from its LAN center's settings. */
  async agentConfig(pcId: string): Promise<AgentConfig | undefined> {
    const found = await this.devices.pcContext(pcId);
    if (!found) return undefined;
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
    });
  }

  /** Waits until the PC's agent connects (true) or the time is up (false). */
  private waitForConnection(pcId: string, timeoutMs: number): Promise<boolean> {
    if (this.isConnected(pcId)) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const set = this.waiters.get(pcId) ?? new Set<() => void>();
      this.waiters.set(pcId, set);
      const wake = (): void => {
        clearTimeout(timer);
        set.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        resolve(false);
      }, timeoutMs);
      set.add(wake);
    });
  }

  /**
   * Sends a command and waits for the agent's ack; no answer in time → PC_UNREACHABLE (the caller
   * decides what that means). For `session.start` an agent that is not connected gets until the
   * timeout to (re)connect; other commands fail at once when it is not connected.
   */
  async send(pcId: string, input: AgentCommandInput, timeoutMs: number): Promise<AgentCommandResult> {
    const deadline = Date.now() + timeoutMs;
    const wait = input.type === 'session.start' ? timeoutMs : 0;
    if (!(await this.waitForConnection(pcId, wait))) return { ok: false, code: 'PC_UNREACHABLE' };
    const socket = this.sockets.get(pcId);
    if (!socket?.connected) return { ok: false, code: 'PC_UNREACHABLE' };
    const sentAt = Date.now();
    const parsed = agentCommandSchema.safeParse({ ...input, commandId: randomUUID(), serverNowMs: sentAt });
    if (!parsed.success) {
      this.logger.error(`invalid ${input.type} command for ${pcId}: ${parsed.error.issues[0]?.message}`);
      return { ok: false, code: 'VALIDATION_FAILED' };
    }
    let raw: unknown;
    try {
      raw = await socket.timeout(Math.max(1, deadline - sentAt)).emitWithAck(agentSocketEvents.command, parsed.data);
    } catch {
      return { ok: false, code: 'PC_UNREACHABLE' };
    }
    const receivedAt = Date.now();
    const ack = commandAckSchema.safeParse(raw);
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
