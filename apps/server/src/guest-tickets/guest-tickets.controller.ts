import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type GuestTicket,
  type GuestTicketClosed,
  type GuestTicketSale,
  closeGuestTicketSchema,
  guestTicketClosedSchema,
  guestTicketListQuerySchema,
  guestTicketSaleSchema,
  guestTicketSchema,
  idParamSchema,
  lanCenterIdParams,
  pageOf,
  sellGuestTicketSchema,
} from '@econtrol/contracts';
import type { z } from 'zod';
import { Body, CurrentActor, Params, Query, Req, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { requireIdempotencyKey } from '../idempotency/idempotency.service.js';
import { respondStored } from '../idempotency/respond.js';
import { GuestTicketsService } from './guest-tickets.service.js';

const tags = ['guest-tickets'];
const staff = ['MANAGER', 'CASHIER'] as const;
const key = (request: FastifyRequest) => requireIdempotencyKey(request.headers['idempotency-key']);

@Controller('api/v1')
export class GuestTicketsController {
  constructor(@Inject(GuestTicketsService) private readonly service: GuestTicketsService) {}

  @Post('guest-tickets')
  @Route({
    summary: 'Sell a guest ticket (código de invitado): paid at the counter, needs your open shift',
    description: 'The answer carries the code once (only its hash is kept); a guest types it on a lock screen of this LAN center and plays at the guest rate until the money runs out.',
    tags,
    roles: staff,
    body: sellGuestTicketSchema,
    response: guestTicketSaleSchema,
    idempotent: true,
    status: 201,
  })
  async sell(@CurrentActor() actor: Actor, @Body() body: z.output<typeof sellGuestTicketSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<GuestTicketSale> {
    return respondStored(reply, await this.service.sell(actor, key(request), body));
  }

  @Get('lan-centers/:lanCenterId/guest-tickets')
  @Route({ summary: 'Guest tickets of a LAN center with their money left, newest first', tags, roles: staff, params: lanCenterIdParams, query: guestTicketListQuerySchema, response: pageOf(guestTicketSchema) })
  list(@CurrentActor() actor: Actor, @Params() p: { lanCenterId: string }, @Query() q: z.output<typeof guestTicketListQuerySchema>): Promise<{ items: GuestTicket[]; nextCursor: string | null }> {
    return this.service.list(actor, p.lanCenterId, q);
  }

  @Get('guest-tickets/:id')
  @Route({ summary: 'One guest ticket', tags, roles: staff, params: idParamSchema, response: guestTicketSchema })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<GuestTicket> {
    return this.service.get(actor, p.id);
  }

  @Post('guest-tickets/:id/close')
  @HttpCode(200)
  @Route({
    summary: 'Close a guest ticket and give back what is left (a refund in your open shift; audited)',
    tags,
    roles: staff,
    params: idParamSchema,
    body: closeGuestTicketSchema,
    response: guestTicketClosedSchema,
    idempotent: true,
    status: 200,
  })
  async close(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.output<typeof closeGuestTicketSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<GuestTicketClosed> {
    return respondStored(reply, await this.service.close(actor, p.id, key(request), body));
  }
}
