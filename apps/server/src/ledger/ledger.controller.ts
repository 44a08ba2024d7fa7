import { Controller, Get, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  accountSchema,
  adjustmentSchema,
  chargeSchema,
  idParamSchema,
  ledgerQuerySchema,
  moneyResultSchema,
  pageOf,
  rechargeSchema,
  refundSchema,
  transactionSchema,
  type TransactionDto,
} from '@econtrol/contracts';
import type { z } from 'zod';
import { Body, CurrentActor, Params, Query, Req, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { DB, type Db } from '../db/database.js';
import { requireIdempotencyKey } from '../idempotency/idempotency.service.js';
import { respondStored } from '../idempotency/respond.js';
import { LedgerService, type MoneyResult } from './ledger.service.js';

const tags = ['ledger'];
const staff = ['MANAGER', 'CASHIER'] as const;
const key = (request: FastifyRequest) => requireIdempotencyKey(request.headers['idempotency-key']);

@Controller('api/v1')
export class LedgerController {
  constructor(
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(DB) private readonly db: Db,
  ) {}

  @Get('customers/:id/account')
  @Route({ summary: 'Balance, live available amount (minus running sessions) and time packages', tags, roles: staff, params: idParamSchema, response: accountSchema })
  account(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<z.infer<typeof accountSchema>> {
    return this.ledger.account(actor, p.id, this.db);
  }

  @Post('customers/:id/recharges')
  @Route({ summary: 'Top up a balance at the counter (needs your open shift)', tags, roles: staff, params: idParamSchema, body: rechargeSchema, response: moneyResultSchema, idempotent: true, status: 201 })
  async recharge(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof rechargeSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MoneyResult> {
    return respondStored(reply, await this.ledger.recharge(actor, p.id, key(request), body));
  }

  @Post('customers/:id/charges')
  @Route({ summary: 'Charge the balance (counter sale or penalty); never uses money running sessions consumed', tags, roles: staff, params: idParamSchema, body: chargeSchema, response: moneyResultSchema, idempotent: true, status: 201 })
  async charge(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof chargeSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MoneyResult> {
    return respondStored(reply, await this.ledger.charge(actor, p.id, key(request), body));
  }

  @Post('customers/:id/adjustments')
  @Route({ summary: 'Manual correction of a balance (manager, with a reason; audited)', tags, roles: ['MANAGER'], params: idParamSchema, body: adjustmentSchema, response: moneyResultSchema, idempotent: true, status: 201 })
  async adjust(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof adjustmentSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MoneyResult> {
    return respondStored(reply, await this.ledger.adjust(actor, p.id, key(request), body));
  }

  @Post('transactions/:id/refunds')
  @Route({ summary: 'Refund (part of) a transaction; never more than it took', tags, roles: staff, params: idParamSchema, body: refundSchema, response: moneyResultSchema, idempotent: true, status: 201 })
  async refund(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof refundSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MoneyResult> {
    return respondStored(reply, await this.ledger.refund(actor, p.id, key(request), body));
  }

  @Get('transactions')
  @Route({ summary: 'Ledger: transactions, newest first (cursor pagination; filters)', tags, roles: staff, query: ledgerQuerySchema, response: pageOf(transactionSchema) })
  list(@CurrentActor() actor: Actor, @Query() query: z.infer<typeof ledgerQuerySchema>): Promise<{ items: TransactionDto[]; nextCursor: string | null }> {
    return this.ledger.list(actor, query);
  }
}
