import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  AgentEnrollRequest,
  AgentEnrollResponse,
  AgentLoginRequest,
  AgentLoginResponse,
  AgentTokenResponse,
} from '@econtrol/contracts';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError } from '../common/app-error.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { verifyPassword } from '../auth/passwords.js';
import { TokenService, randomToken, sha256 } from '../auth/token.service.js';
import { normalizePairingCode } from '../pcs/pcs.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { GuestTicketsService } from '../guest-tickets/guest-tickets.service.js';
import type { DeviceActor } from './device-actor.js';
import { DevicesRepository } from './devices.repository.js';

/** Enrollment (pairing code → device credential), token renewal and the lock-screen login. */
@Injectable()
export class DevicesService {
  constructor(
    @Inject(DevicesRepository) private readonly repo: DevicesRepository,
    @Inject(AuthRepository) private readonly users: AuthRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(GuestTicketsService) private readonly guestTickets: GuestTicketsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async enroll(input: AgentEnrollRequest, ip: string): Promise<AgentEnrollResponse> {
    const now = new Date();
    const deviceSecret = randomToken(32);
    const result = await this.repo.transaction(async (tx) => {
      const claimed = await this.repo.claimPairingCode(tx, sha256(normalizePairingCode(input.pairingCode)), now);
      if (!claimed) return undefined;
      const { pc } = claimed;
      // A re-enrolled PC gets a new credential; the old one stops working at once.
      await this.repo.revokeCredentials(tx, pc.id, now);
      const credential = await this.repo.insertCredential(tx, {
        organizationId: pc.organizationId,
        pcId: pc.id,
        secretHash: sha256(deviceSecret),
        machine: input.machine,
      });
      await this.repo.setAgentVersion(tx, pc.id, input.machine.agentVersion);
      await this.audit.record(
        {
          organizationId: pc.organizationId,
          lanCenterId: pc.lanCenterId,
          actor: null,
          action: 'pc.enrolled',
          entityType: 'pc',
          entityId: pc.id,
          ip,
          details: { deviceId: credential.id, hostname: input.machine.hostname, os: input.machine.os },
        },
        tx,
      );
      return { pc, credential };
    });
    if (!result) throw new AppError('PAIRING_CODE_INVALID');
    const { pc, credential } = result;
    this.events.emit('pc.updated', { organizationId: pc.organizationId, lanCenterId: pc.lanCenterId, pcId: pc.id });
    return {
      pcId: pc.id,
      lanCenterId: pc.lanCenterId,
      organizationId: pc.organizationId,
      deviceId: credential.id,
      deviceSecret,
    };
  }

  async token(deviceId: string, deviceSecret: string): Promise<AgentTokenResponse> {
    const found = await this.repo.credential(deviceId);
    if (!found || found.credential.secretHash !== sha256(deviceSecret)) throw new AppError('INVALID_CREDENTIALS');
    if (found.credential.revokedAt || found.pc.retiredAt) throw new AppError('PC_REVOKED');
    await this.repo.touchCredential(deviceId);
    const { token, expiresAt } = await this.tokens.signAccess({
      kind: 'device',
      userId: found.credential.id,
      role: 'CLIENT',
      organizationId: found.pc.organizationId,
      lanCenterIds: [found.pc.lanCenterId],
      pcId: found.pc.id,
    });
    return { accessToken: token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Lock-screen login: checks the customer's password and starts a session on this PC, which the
   * agent then receives as `session.start` (the answer waits for its unlock ack, like the console).
   */
  async login(device: DeviceActor, input: AgentLoginRequest): Promise<AgentLoginResponse> {
    // a guest code names a guest ticket's account: its session is GUEST_PREPAID at the guest rate
    const user = input.kind === 'guest' ? await this.guestTickets.redeem(device, input.code) : await this.checkPassword(device, input);
    const session = await this.sessions.start(
      { userId: user.id, role: 'CLIENT', organizationId: device.organizationId, lanCenterIds: [device.lanCenterId] },
      `agent-login:${randomUUID()}`,
      { pcId: device.pcId, customerId: user.id },
    );
    return { sessionId: session.id, displayName: user.name };
  }

  private async checkPassword(device: DeviceActor, input: Extract<AgentLoginRequest, { kind: 'account' }>): Promise<{ id: string; name: string }> {
    const user = await this.repo.customerByLogin(device.organizationId, input.username);
    const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || user.disabledAt) throw new AppError('INVALID_CREDENTIALS');
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) throw new AppError('ACCOUNT_LOCKED');
    if (!valid) {
      const { locked } = await this.users.recordFailure(user.id, this.config.LOGIN_MAX_FAILURES, this.config.LOGIN_LOCK_S);
      throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'INVALID_CREDENTIALS');
    }
    await this.users.recordSuccess(user.id);
    return user;
  }
}
