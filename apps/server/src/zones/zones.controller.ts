import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  type Zone,
  createZoneSchema,
  idParamSchema,
  lanCenterIdParams,
  updateZoneSchema,
  zoneSchema,
} from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { ZonesService } from './zones.service.js';

const tags = ['zones'];

@Controller('api/v1')
export class ZonesController {
  constructor(@Inject(ZonesService) private readonly service: ZonesService) {}

  @Get('lan-centers/:lanCenterId/zones')
  @Route({
    summary: 'Zones of a LAN center',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: lanCenterIdParams,
    response: z.array(zoneSchema),
  })
  list(@CurrentActor() actor: Actor, @Params() p: { lanCenterId: string }): Promise<Zone[]> {
    return this.service.list(actor, p.lanCenterId);
  }

  @Post('lan-centers/:lanCenterId/zones')
  @Route({
    summary: 'Create a zone',
    tags,
    roles: ['MANAGER'],
    params: lanCenterIdParams,
    body: createZoneSchema,
    response: zoneSchema,
    status: 201,
  })
  create(
    @CurrentActor() actor: Actor,
    @Params() p: { lanCenterId: string },
    @Body() body: z.infer<typeof createZoneSchema>,
  ): Promise<Zone> {
    return this.service.create(actor, p.lanCenterId, body);
  }

  @Get('zones/:id')
  @Route({
    summary: 'One zone',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: idParamSchema,
    response: zoneSchema,
  })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<Zone> {
    return this.service.get(actor, p.id);
  }

  @Patch('zones/:id')
  @Route({
    summary: 'Change a zone',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    body: updateZoneSchema,
    response: zoneSchema,
  })
  update(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
    @Body() body: z.infer<typeof updateZoneSchema>,
  ): Promise<Zone> {
    return this.service.update(actor, p.id, body);
  }

  @Delete('zones/:id')
  @HttpCode(204)
  @Route({ summary: 'Delete an empty zone', tags, roles: ['MANAGER'], params: idParamSchema, status: 204 })
  remove(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<void> {
    return this.service.remove(actor, p.id);
  }
}
