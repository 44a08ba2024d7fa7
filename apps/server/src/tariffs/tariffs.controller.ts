import { Controller, Get, Inject, Patch, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { idParamSchema, packageSaleSchema, sellPackageSchema, tariffInputSchema, tariffSchema, timePackageInputSchema, timePackageSchema, type TariffDto, type TariffInput } from '@econtrol/contracts';
import { z } from 'zod';
import { Body, CurrentActor, Params, Req, Route } from '../common/route.js';
import { requireIdempotencyKey } from '../idempotency/idempotency.service.js';
import { respondStored } from '../idempotency/respond.js';
import { PackageSalesService } from './package-sales.service.js';
import type { Actor } from '../common/actor.js';
import { TariffsService } from './tariffs.service.js';

const tags = ['tariffs'];
const staff = ['MANAGER', 'CASHIER'] as const;
type TimePackage = z.infer<typeof timePackageSchema>;
const packagePatch = timePackageInputSchema.partial().strict();

@Controller('api/v1')
export class TariffsController {
  constructor(
    @Inject(TariffsService) private readonly tariffs: TariffsService,
    @Inject(PackageSalesService) private readonly sales: PackageSalesService,
  ) {}

  @Post('customers/:id/packages')
  @Route({ summary: 'Sell a time package to a customer (from balance or paid at the counter)', tags, roles: staff, params: idParamSchema, body: sellPackageSchema, response: packageSaleSchema, idempotent: true, status: 201 })
  async sell(
    @CurrentActor() actor: Actor,
    @Params() p: { id: string },
    @Body() body: z.infer<typeof sellPackageSchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof packageSaleSchema>> {
    return respondStored(reply, await this.sales.sell(actor, p.id, requireIdempotencyKey(request.headers['idempotency-key']), body));
  }

  @Get('zones/:id/tariff')
  @Route({ summary: 'Current tariff of a zone (null when none)', tags, roles: staff, params: idParamSchema, response: tariffSchema.nullable() })
  current(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<TariffDto | null> {
    return this.tariffs.current(actor, p.id);
  }

  @Put('zones/:id/tariff')
  @Route({
    summary: 'Set the tariff of a zone (new version; running sessions keep the rate they started with)',
    tags,
    roles: ['MANAGER'],
    params: idParamSchema,
    body: tariffInputSchema,
    response: tariffSchema,
    status: 200,
  })
  set(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: TariffInput): Promise<TariffDto> {
    return this.tariffs.set(actor, p.id, body);
  }

  @Get('zones/:id/tariffs')
  @Route({ summary: 'Tariff history of a zone', tags, roles: ['MANAGER'], params: idParamSchema, response: z.array(tariffSchema) })
  history(@CurrentActor() actor: Actor, @Params() p: { id: string }): Promise<TariffDto[]> {
    return this.tariffs.history(actor, p.id);
  }

  @Get('time-packages')
  @Route({ summary: 'Time packages on sale ("3 horas por S/ 10.00")', tags, roles: staff, response: z.array(timePackageSchema) })
  packages(@CurrentActor() actor: Actor): Promise<TimePackage[]> {
    return this.tariffs.listPackages(actor);
  }

  @Post('time-packages')
  @Route({ summary: 'Create a time package', tags, roles: ['MANAGER'], body: timePackageInputSchema, response: timePackageSchema, status: 201 })
  createPackage(@CurrentActor() actor: Actor, @Body() body: z.infer<typeof timePackageInputSchema>): Promise<TimePackage> {
    return this.tariffs.createPackage(actor, body);
  }

  @Patch('time-packages/:id')
  @Route({ summary: 'Change a time package', tags, roles: ['MANAGER'], params: idParamSchema, body: packagePatch, response: timePackageSchema })
  updatePackage(@CurrentActor() actor: Actor, @Params() p: { id: string }, @Body() body: z.infer<typeof packagePatch>): Promise<TimePackage> {
    return this.tariffs.updatePackage(actor, p.id, body);
  }
}
