import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  endSessionSchema,
  idParamSchema,
  lanCenterIdParams,
  sessionListQuerySchema,
  sessionSchema,
  settleSessionSchema,
  startSessionSchema,
  type SessionDto,
  type StartSession,
} from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Query, Req, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { requireIdempotencyKey } from '../idempotency/idempotency.service.js';
import { SessionsService } from './sessions.service.js';

const tags = ['sessions'];
const staff = ['MANAGER', 'CASHIER'] as const;

@Controller('api/v1')
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @Post('sessions')
  @Route({
    summary: 'Start a session on a PC (member, postpaid guest, or manager free grant)',
    description: 'On agent PCs the session is PENDING until the agent unlocks; billing starts at that instant. No ack in time → 504 PC_UNREACHABLE, nothing charged.',
    tags,
    roles: staff,
    body: startSessionSchema,
    response: sessionSchema,
    idempotent: true,
    status: 201,
  })
  start(@CurrentActor() actor: Actor, @Body() body: StartSession, @Req() request: FastifyRequest): Promise<SessionDto> {
    return this.sessions.start(actor, requireIdempotencyKey(request.headers['idempotency-key']), body);
  }

  @Post('sessions/:id/end')
  @HttpCode(200)
  @Route({ summary: 'End a session and settle it exactly (one ledger row)', tags, roles: staff, params: idParamSchema, body: endSessionSchema, response: sessionSchema, status: 200 })
  end(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof endSessionSchema>): Promise<SessionDto> {
    return this.sessions.end(actor, p.id, body);
  }

  @Post('sessions/:id/pause')
  @HttpCode(200)
  @Route({ summary: 'Pause billing', tags, roles: staff, params: idParamSchema, response: sessionSchema, status: 200 })
  pause(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<SessionDto> {
    return this.sessions.pause(actor, p.id);
  }

  @Post('sessions/:id/resume')
  @HttpCode(200)
  @Route({ summary: 'Resume billing', tags, roles: staff, params: idParamSchema, response: sessionSchema, status: 200 })
  resume(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<SessionDto> {
    return this.sessions.resume(actor, p.id);
  }

  @Post('sessions/:id/settle')
  @HttpCode(200)
  @Route({ summary: 'A postpaid guest pays at the counter', tags, roles: staff, params: idParamSchema, body: settleSessionSchema, response: sessionSchema, status: 200 })
  settle(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof settleSessionSchema>): Promise<SessionDto> {
    return this.sessions.settlePostpaid(actor, p.id, body);
  }

  @Get('sessions/:id')
  @Route({ summary: 'One session with its live cost', tags, roles: staff, params: idParamSchema, response: sessionSchema })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<SessionDto> {
    return this.sessions.get(actor, p.id);
  }

  @Get('lan-centers/:lanCenterId/sessions')
  @Route({ summary: 'Sessions of a LAN center, newest first', tags, roles: staff, params: lanCenterIdParams, query: sessionListQuerySchema, response: z.array(sessionSchema) })
  list(@CurrentActor() actor: Actor, @Params() p: { lanCenterId: string }, @Query() q: z.infer<typeof sessionListQuerySchema>): Promise<SessionDto[]> {
    return this.sessions.list(actor, p.lanCenterId, q.status, q.limit);
  }
}
