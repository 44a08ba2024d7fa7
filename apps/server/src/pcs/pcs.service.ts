import { Inject, Injectable } from '@nestjs/common';
import type { Pc, PcCommand, createPcSchema, updatePcSchema } from '@econtrol/contracts';
import type { z } from 'zod';
import { CONFIG, type AppConfig } from '../config/config.js';
import { AppError, notFound } from '../common/app-error.js';
import type { Actor } from '../common/actor.js';
import { canReachLan, orgOf } from '../common/tenancy.js';
import { uniqueViolation } from '../db/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { EventBus } from '../events/event-bus.js';
import { sha256 } from '../auth/token.service.js';
import { newShortCode, normalizeShortCode } from '../common/short-code.js';
import { LanCentersService } from '../lan-centers/lan-centers.service.js';
import { ZonesService } from '../zones/zones.service.js';
import { PcsRepository, type PcRow } from './pcs.repository.js';
import { AGENT_PORT, type AgentCommandInput, type AgentPort } from '../sessions/agent-port.js';

export const newPairingCode = newShortCode;
export const normalizePairingCode = normalizeShortCode;

function toAgentCommand(command: PcCommand, actor: Actor): AgentCommandInput {
  switch (command.type) {
    case 'lock':
      return { type: 'pc.lock', ...(command.message ? { message: command.message } : {}) };
    case 'unlock':
      return { type: 'pc.unlock', reason: command.reason };
    case 'message':
      return { type: 'pc.message', text: command.text, from: actor.role === 'MANAGER' ? 'Administración' : 'Caja' };
    case 'shutdown':
      return { type: 'pc.shutdown' };
    case 'restart':
      return { type: 'pc.restart' };
  }
}

export const toPc = (row: PcRow): Pc => ({
  id: row.id,
  lanCenterId: row.lanCenterId,
  zoneId: row.zoneId,
  name: row.name,
  specs: (row.specs ?? {}) as Record<string, string>,
  status: row.status,
  agentVersion: row.agentVersion,
  lastHeartbeatAt: row.lastHeartbeatAt?.toISOString() ?? null,
  enrolled: row.enrolled,
  requiresAgent: row.requiresAgent,
  session: row.session
    ? {
        ...row.session,
        startedAt: row.session.startedAt?.toISOString() ?? null,
        costAt: row.session.costAt.toISOString(),
        hardEndAt: row.session.hardEndAt?.toISOString() ?? null,
      }
    : null,
});

@Injectable()
export class PcsService {
  constructor(
    @Inject(PcsRepository) private readonly repo: PcsRepository,
    @Inject(LanCentersService) private readonly lans: LanCentersService,
    @Inject(ZonesService) private readonly zones: ZonesService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(AGENT_PORT) private readonly agents: AgentPort,
  ) {}

  /** Lock, unlock (manager, with a reason), message, shutdown or restart, acknowledged by the agent. */
  async command(actor: Actor, id: string, command: PcCommand): Promise<{ ok: true; ackedAt: string }> {
    const pc = await this.get(actor, id);
    if (command.type === 'unlock' && actor.role !== 'MANAGER') throw new AppError('FORBIDDEN');
    if (!pc.requiresAgent) throw new AppError('PC_NOT_AVAILABLE', { reason: 'station has no agent' });
    const input = toAgentCommand(command, actor);
    const result = await this.agents.send(pc.id, input, 5_000);
    if (!result.ok) throw new AppError(result.code === 'PC_IN_USE' ? 'PC_IN_USE' : 'PC_UNREACHABLE', { pcId: pc.id });
    await this.audit.record({
      organizationId: orgOf(actor).organizationId,
      lanCenterId: pc.lanCenterId,
      actor,
      action: `pc.${command.type}`,
      entityType: 'pc',
      entityId: pc.id,
      details: command.type === 'message' ? { text: command.text } : command.type === 'unlock' ? { reason: command.reason } : {},
    });
    return { ok: true, ackedAt: new Date(result.ackedAtMs ?? Date.now()).toISOString() };
  }

  async list(actor: Actor, lanCenterId: string): Promise<Pc[]> {
    await this.lans.get(actor, lanCenterId);
    return (await this.repo.list(orgOf(actor).organizationId, lanCenterId)).map(toPc);
  }

  async get(actor: Actor, id: string): Promise<Pc> {
    const row = await this.repo.find(orgOf(actor).organizationId, id);
    if (!row || !canReachLan(actor, row.lanCenterId)) throw notFound('pc');
    return toPc(row);
  }

  async create(actor: Actor, lanCenterId: string, input: z.infer<typeof createPcSchema>): Promise<Pc> {
    await this.lans.get(actor, lanCenterId);
    const zone = await this.zones.get(actor, input.zoneId);
    if (zone.lanCenterId !== lanCenterId)
      throw new AppError('VALIDATION_FAILED', undefined, [
        { path: 'zoneId', code: 'invalid_zone', message: 'Zone belongs to another LAN center' },
      ]);
    const org = orgOf(actor);
    try {
      const id = await this.repo.insert({
        organizationId: org.organizationId,
        lanCenterId,
        zoneId: zone.id,
        name: input.name,
        specs: input.specs,
        requiresAgent: input.requiresAgent,
        status: input.requiresAgent ? 'OFFLINE' : 'AVAILABLE',
      });
      await this.audit.record({
        organizationId: org.organizationId,
        lanCenterId,
        actor,
        action: 'pc.create',
        entityType: 'pc',
        entityId: id,
        details: { name: input.name },
      });
      this.events.emit('pc.updated', { organizationId: org.organizationId, lanCenterId, pcId: id });
      return this.get(actor, id);
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('CONFLICT', { field: 'name' });
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: z.infer<typeof updatePcSchema>): Promise<Pc> {
    const pc = await this.get(actor, id);
    const org = orgOf(actor);
    if (input.zoneId) {
      const zone = await this.zones.get(actor, input.zoneId);
      if (zone.lanCenterId !== pc.lanCenterId)
        throw new AppError('VALIDATION_FAILED', undefined, [
          { path: 'zoneId', code: 'invalid_zone', message: 'Zone belongs to another LAN center' },
        ]);
    }
    const { maintenance, ...rest } = input;
    let status: Pc['status'] | undefined;
    if (maintenance === true) {
      if (pc.session) throw new AppError('PC_IN_USE');
      status = 'MAINTENANCE';
    } else if (maintenance === false && pc.status === 'MAINTENANCE') {
      // Stations without an agent never send heartbeats: they are available as soon as they are out of maintenance.
      status = pc.lastHeartbeatAt || !pc.requiresAgent ? 'AVAILABLE' : 'OFFLINE';
    } else if (input.requiresAgent !== undefined && input.requiresAgent !== pc.requiresAgent && !pc.session && pc.status !== 'MAINTENANCE') {
      // switching between agent PC and agentless station: an agentless one is ready at once
      status = input.requiresAgent ? 'OFFLINE' : 'AVAILABLE';
    }
    try {
      await this.repo.update(org.organizationId, id, { ...rest, ...(status ? { status } : {}) });
    } catch (error) {
      if (uniqueViolation(error)) throw new AppError('CONFLICT', { field: 'name' });
      throw error;
    }
    await this.audit.record({
      organizationId: org.organizationId,
      lanCenterId: pc.lanCenterId,
      actor,
      action: 'pc.update',
      entityType: 'pc',
      entityId: id,
      details: { fields: Object.keys(input) },
    });
    this.events.emit('pc.updated', {
      organizationId: org.organizationId,
      lanCenterId: pc.lanCenterId,
      pcId: id,
    });
    return this.get(actor, id);
  }

  async retire(actor: Actor, id: string): Promise<void> {
    const pc = await this.get(actor, id);
    if (pc.session) throw new AppError('PC_IN_USE');
    const org = orgOf(actor);
    await this.repo.retire(org.organizationId, id);
    await this.audit.record({
      organizationId: org.organizationId,
      lanCenterId: pc.lanCenterId,
      actor,
      action: 'pc.retire',
      entityType: 'pc',
      entityId: id,
    });
    this.events.emit('pc.updated', {
      organizationId: org.organizationId,
      lanCenterId: pc.lanCenterId,
      pcId: id,
    });
  }

  async createPairingCode(
    actor: Actor,
    id: string,
  ): Promise<{ pcId: string; code: string; expiresAt: string }> {
    const pc = await this.get(actor, id);
    const org = orgOf(actor);
    const code = newPairingCode();
    const expiresAt = new Date(Date.now() + this.config.PAIRING_CODE_TTL_S * 1000);
    await this.repo.insertPairingCode({
      organizationId: org.organizationId,
      pcId: pc.id,
      codeHash: sha256(normalizePairingCode(code)),
      expiresAt,
      createdBy: actor.userId,
    });
    await this.audit.record({
      organizationId: org.organizationId,
      lanCenterId: pc.lanCenterId,
      actor,
      action: 'pc.pairing_code',
      entityType: 'pc',
      entityId: pc.id,
    });
    return { pcId: pc.id, code, expiresAt: expiresAt.toISOString() };
  }
}
