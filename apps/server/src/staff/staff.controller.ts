import { Controller, Get, Inject, Patch, Post } from '@nestjs/common';
import { createStaffSchema, idParamSchema, staffMemberSchema, updateStaffSchema } from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { StaffService } from './staff.service.js';

const tags = ['staff'];
type StaffMember = z.infer<typeof staffMemberSchema>;

@Controller('api/v1/staff')
export class StaffController {
  constructor(@Inject(StaffService) private readonly service: StaffService) {}

  @Get()
  @Route({
    summary: 'Managers and cashiers of the company',
    tags,
    roles: ['MANAGER'],
    response: z.array(staffMemberSchema),
  })
  list(@CurrentActor() actor: Actor): Promise<StaffMember[]> {
    return this.service.list(actor);
  }

  @Post()
  @Route({
    summary: 'Add a manager or cashier',
    tags,
    roles: ['MANAGER'],
    body: createStaffSchema,
    response: staffMemberSchema,
    status: 201,
  })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: z.infer<typeof createStaffSchema>,
  ): Promise<StaffMember> {
    return this.service.create(actor, body);
  }

  @Get(':id')
  @Route({
    summary: 'One staff member',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    response: staffMemberSchema,
  })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<StaffMember> {
    return this.service.get(actor, p.id);
  }

  @Patch(':id')
  @Route({
    summary: 'Change role, LAN centers, password, or disable',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    body: updateStaffSchema,
    response: staffMemberSchema,
  })
  update(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
    @Body() body: z.infer<typeof updateStaffSchema>,
  ): Promise<StaffMember> {
    return this.service.update(actor, p.id, body);
  }
}
