import { Controller, Get, Inject, Patch, Post } from '@nestjs/common';
import {
  type LanCenter,
  createLanCenterSchema,
  idParamSchema,
  lanCenterSchema,
  updateLanCenterSchema,
} from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { LanCentersService } from './lan-centers.service.js';

const tags = ['lan-centers'];

@Controller('api/v1/lan-centers')
export class LanCentersController {
  constructor(@Inject(LanCentersService) private readonly service: LanCentersService) {}

  @Get()
  @Route({
    summary: 'LAN centers the caller works at',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    response: z.array(lanCenterSchema),
  })
  list(@CurrentActor() actor: Actor): Promise<LanCenter[]> {
    return this.service.list(actor);
  }

  @Post()
  @Route({
    summary: 'Open a new LAN center (location)',
    tags,
    roles: ['MANAGER'],
    body: createLanCenterSchema,
    response: lanCenterSchema,
    status: 201,
  })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: z.infer<typeof createLanCenterSchema>,
  ): Promise<LanCenter> {
    return this.service.create(actor, body);
  }

  @Get(':id')
  @Route({
    summary: 'One LAN center',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: idParamSchema,
    response: lanCenterSchema,
  })
  get(@CurrentActor() actor: Actor, @Params() params: { id: string }): Promise<LanCenter> {
    return this.service.get(actor, params.id);
  }

  @Patch(':id')
  @Route({
    summary: 'Change a LAN center (name, time zone, opening hours, agent settings)',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    body: updateLanCenterSchema,
    response: lanCenterSchema,
  })
  update(
    @CurrentActor() actor: Actor,
    @Params() params: { id: string },
    @Body() body: z.infer<typeof updateLanCenterSchema>,
  ): Promise<LanCenter> {
    return this.service.update(actor, params.id, body);
  }
}
