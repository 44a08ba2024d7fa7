import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  type Pc,
  createPcSchema,
  idParamSchema,
  lanCenterIdParams,
  pairingCodeSchema,
  pcCommandSchema,
  pcCommandResultSchema,
  type PcCommand,
  pcSchema,
  updatePcSchema,
} from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { PcsService } from './pcs.service.js';

const tags = ['pcs'];

@Controller('api/v1')
export class PcsController {
  constructor(@Inject(PcsService) private readonly service: PcsService) {}

  @Get('lan-centers/:lanCenterId/pcs')
  @Route({
    summary: 'PCs of a LAN center with their live session (the floor)',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: lanCenterIdParams,
    response: z.array(pcSchema),
  })
  list(@CurrentActor() actor: Actor, @Params() p: { lanCenterId: string }): Promise<Pc[]> {
    return this.service.list(actor, p.lanCenterId);
  }

  @Post('lan-centers/:lanCenterId/pcs')
  @Route({
    summary: 'Add a PC',
    tags,
    roles: ['MANAGER'],
    params: lanCenterIdParams,
    body: createPcSchema,
    response: pcSchema,
    status: 201,
  })
  create(
    @CurrentActor() actor: Actor,
    @Params() p: { lanCenterId: string },
    @Body() body: z.infer<typeof createPcSchema>,
  ): Promise<Pc> {
    return this.service.create(actor, p.lanCenterId, body);
  }

  @Get('pcs/:id')
  @Route({
    summary: 'One PC',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: idParamSchema,
    response: pcSchema,
  })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<Pc> {
    return this.service.get(actor, p.id);
  }

  @Patch('pcs/:id')
  @Route({
    summary: 'Rename, move to another zone, or put in maintenance',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    body: updatePcSchema,
    response: pcSchema,
  })
  update(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
    @Body() body: z.infer<typeof updatePcSchema>,
  ): Promise<Pc> {
    return this.service.update(actor, p.id, body);
  }

  @Delete('pcs/:id')
  @HttpCode(204)
  @Route({
    summary: 'Retire a PC (revokes its agent credential at once)',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    status: 204,
  })
  retire(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<void> {
    return this.service.retire(actor, p.id);
  }

  @Post('pcs/:id/commands')
  @HttpCode(200)
  @Route({ summary: 'Remote action on a PC: lock, unlock (manager), message, shutdown, restart', tags, roles: ['MANAGER', 'CASHIER'], params: idParamSchema, body: pcCommandSchema, response: pcCommandResultSchema, status: 200 })
  command(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: PcCommand): Promise<z.infer<typeof pcCommandResultSchema>> {
    return this.service.command(actor, p.id, body);
  }

  @Post('pcs/:id/pairing-code')
  @Route({
    summary: 'One-time pairing code to enroll the PC agent',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    response: pairingCodeSchema,
    status: 201,
  })
  pairingCode(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
  ): Promise<z.infer<typeof pairingCodeSchema>> {
    return this.service.createPairingCode(actor, p.id);
  }
}
