import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';
import { CONSOLE_SOCKET_NAMESPACE, floorSubscribeSchema } from '@econtrol/contracts';
import { AppError } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan } from '../common/tenancy.js';
import { EventBus } from '../events/event-bus.js';
import { ACCESS_COOKIE } from '../auth/cookies.js';
import { TokenService } from '../auth/token.service.js';
import { LanCentersRepository } from '../lan-centers/lan-centers.repository.js';
import { PcsRepository } from '../pcs/pcs.repository.js';
import { toPc } from '../pcs/pcs.service.js';

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const lanRoom = (id: string) => `lan:${id}`;
const orgRoom = (id: string) => `org:${id}`;
const managersRoom = (id: string) => `org:${id}:managers`;

/**
 * Live updates for staff browsers: domain events become socket messages here, and only here.
 * Scaled mode: domain events are in-process, so only the instance that made a change emits it;
 * the Socket.IO Redis adapter delivers `nsp.to(room).emit` to the browsers of every instance
 * (once each). Nothing here is per-instance state beyond the sockets themselves.
 */
@Injectable()
export class ConsoleGateway implements OnModuleDestroy {
  private readonly logger = new Logger('ConsoleGateway');
  private nsp: Namespace | null = null;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(LanCentersRepository) private readonly lans: LanCentersRepository,
    @Inject(PcsRepository) private readonly pcs: PcsRepository,
  ) {}

  attach(io: Server): void {
    if (this.nsp) return;
    const nsp = io.of(CONSOLE_SOCKET_NAMESPACE);
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const err = new Error(error instanceof AppError ? error.code : 'UNAUTHENTICATED') as Error & { data?: unknown };
          err.data = { code: err.message };
          next(err);
        },
      );
    });
    nsp.on('connection', (socket) => this.onConnection(socket));
    this.nsp = nsp;

    this.unsubscribers.push(
      this.events.on('pc.updated', ({ organizationId, lanCenterId, pcId }) => {
        this.pushPc(organizationId, lanCenterId, pcId).catch((error: unknown) => {
          // e.g. the app is shutting down; a browser refetches the floor when it reconnects
          this.logger.warn(`floor update for ${pcId} not sent: ${(error as Error).message}`);
        });
      }),
      this.events.on('balance.changed', ({ organizationId, userId, balanceMinor }) => {
        nsp.to(orgRoom(organizationId)).emit('balance.changed', { customerId: userId, balanceMinor });
      }),
      this.events.on('notification.created', ({ organizationId, lanCenterId, type, payload }) => {
        nsp.to(managersRoom(organizationId)).emit('notification', { type, payload, lanCenterId });
      }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    // This instance's browsers only: with the Redis adapter a plain disconnectSockets() would cut
    // the consoles of every instance.
    this.nsp?.local.disconnectSockets(true);
    this.nsp = null;
  }

  private async authenticate(socket: Socket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
    const cookieHeader = socket.handshake.headers.cookie;
    const fromCookie = cookieHeader ? cookieValue(cookieHeader, ACCESS_COOKIE) : undefined;
    const token = typeof auth.token === 'string' ? auth.token : fromCookie;
    if (!token) throw new AppError('UNAUTHENTICATED');
    const claims = await this.tokens.verifyAccess(token);
    if (claims.kind !== 'user' || !claims.organizationId || (claims.role !== 'MANAGER' && claims.role !== 'CASHIER')) {
      throw new AppError('FORBIDDEN');
    }
    const actor: Actor = { userId: claims.userId, role: claims.role, organizationId: claims.organizationId, lanCenterIds: claims.lanCenterIds };
    (socket.data as { actor?: Actor }).actor = actor;
  }

  private onConnection(socket: Socket): void {
    const actor = (socket.data as { actor: Actor }).actor;
    void socket.join(orgRoom(actor.organizationId!));
    if (actor.role === 'MANAGER') void socket.join(managersRoom(actor.organizationId!));
    socket.on('floor.subscribe', (raw: unknown, ack?: (answer: unknown) => void) => {
      void this.subscribe(socket, actor, raw).then(
        (answer) => ack?.(answer),
        () => ack?.({ ok: false, code: 'INTERNAL_ERROR' }),
      );
    });
  }

  private async subscribe(socket: Socket, actor: Actor, raw: unknown): Promise<unknown> {
    const parsed = floorSubscribeSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: 'VALIDATION_FAILED' };
    const { lanCenterId } = parsed.data;
    const lan = canReachLan(actor, lanCenterId) ? await this.lans.find(actor.organizationId!, lanCenterId) : undefined;
    if (!lan) return { ok: false, code: 'NOT_FOUND' };
    for (const room of socket.rooms) if (room.startsWith('lan:')) await socket.leave(room);
    await socket.join(lanRoom(lanCenterId));
    return { ok: true, serverNowMs: Date.now() };
  }

  private async pushPc(organizationId: string, lanCenterId: string, pcId: string): Promise<void> {
    if (!this.nsp) return;
    const row = await this.pcs.find(organizationId, pcId);
    if (!this.nsp) return; // closed while reading
    const room = this.nsp.to(lanRoom(lanCenterId));
    if (row) room.emit('pc.updated', toPc(row));
    else room.emit('pc.removed', { id: pcId });
  }
}
