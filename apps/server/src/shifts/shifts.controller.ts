import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { closeShiftSchema, idParamSchema, lanCenterIdParams, openShiftSchema, shiftSchema, type ShiftDto } from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Query, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { ShiftsService } from './shifts.service.js';

const tags = ['shifts'];
const staff = ['MANAGER', 'CASHIER'] as const;
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

@Controller('api/v1')
export class ShiftsController {
  constructor(@Inject(ShiftsService) private readonly shifts: ShiftsService) {}

  @Post('shifts/open')
  @Route({ summary: 'Abrir caja: open your shift with a starting float', tags, roles: staff, body: openShiftSchema, response: shiftSchema, status: 201 })
  open(@CurrentActor() actor: Actor, @Body() body: z.infer<typeof openShiftSchema>): Promise<ShiftDto> {
    return this.shifts.open(actor, body);
  }

  @Get('shifts/current')
  @Route({ summary: 'Your open shift with live totals (null when none)', tags, roles: staff, response: shiftSchema.nullable() })
  current(@CurrentActor() actor: Actor): Promise<ShiftDto | null> {
    return this.shifts.current(actor);
  }

  @Get('shifts/:id')
  @Route({ summary: 'Shift report: totals by method and type, expected vs counted cash', tags, roles: staff, params: idParamSchema, response: shiftSchema })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<ShiftDto> {
    return this.shifts.get(actor, p.id);
  }

  @Post('shifts/:id/close')
  @HttpCode(200)
  @Route({ summary: 'Cierre de caja: close with the counted cash → difference', tags, roles: staff, params: idParamSchema, body: closeShiftSchema, response: shiftSchema, status: 200 })
  close(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof closeShiftSchema>): Promise<ShiftDto> {
    return this.shifts.close(actor, p.id, body);
  }

  @Get('lan-centers/:lanCenterId/shifts')
  @Route({ summary: 'Recent shifts of a LAN center (managers see all, cashiers their own)', tags, roles: staff, params: lanCenterIdParams, query: listQuery, response: z.array(shiftSchema) })
  list(@CurrentActor() actor: Actor, @Params() p: { lanCenterId: string }, @Query() q: z.infer<typeof listQuery>): Promise<ShiftDto[]> {
    return this.shifts.list(actor, p.lanCenterId, q.limit);
  }
}
