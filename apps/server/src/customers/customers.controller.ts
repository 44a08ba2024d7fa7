import { Controller, Get, Inject, Patch, Post } from '@nestjs/common';
import {
  type Customer,
  createCustomerSchema,
  customerSchema,
  customerSearchSchema,
  idParamSchema,
  pageOf,
  updateCustomerSchema,
} from '@econtrol/contracts';
import type { z } from 'zod';
import { Body, CurrentActor, Params, Query, Route } from '../common/route.js';
import type { Actor } from '../common/actor.js';
import { CustomersService } from './customers.service.js';

const tags = ['customers'];

@Controller('api/v1/customers')
export class CustomersController {
  constructor(@Inject(CustomersService) private readonly service: CustomersService) {}

  @Get()
  @Route({
    summary: 'Search customers (name, username, email, phone, document)',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    query: customerSearchSchema,
    response: pageOf(customerSchema),
  })
  search(
    @CurrentActor() actor: Actor,
    @Query() query: z.infer<typeof customerSearchSchema>,
  ): Promise<{ items: Customer[]; nextCursor: string | null }> {
    return this.service.search(actor, query);
  }

  @Post()
  @Route({
    summary: 'Register a customer (with an account at balance 0)',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    body: createCustomerSchema,
    response: customerSchema,
    status: 201,
  })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: z.infer<typeof createCustomerSchema>,
  ): Promise<Customer> {
    return this.service.create(actor, body);
  }

  @Get(':id')
  @Route({
    summary: 'One customer with balance',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: idParamSchema,
    response: customerSchema,
  })
  get(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<Customer> {
    return this.service.get(actor, p.id);
  }

  @Patch(':id')
  @Route({
    summary: 'Change a customer',
    tags,
    roles: ['MANAGER', 'CASHIER'],
    params: idParamSchema,
    body: updateCustomerSchema,
    response: customerSchema,
  })
  update(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
    @Body() body: z.infer<typeof updateCustomerSchema>,
  ): Promise<Customer> {
    return this.service.update(actor, p.id, body);
  }
}
