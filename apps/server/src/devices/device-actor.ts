import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';

/** A PC agent calling with its device access token (verified, credential still active). */
export interface DeviceActor {
  credentialId: string;
  pcId: string;
  organizationId: string;
  lanCenterId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    device?: DeviceActor;
  }
}

export const CurrentDevice = createParamDecorator((_: unknown, ctx: ExecutionContext): DeviceActor => {
  const device = ctx.switchToHttp().getRequest<FastifyRequest>().device;
  if (!device) throw new AppError('UNAUTHENTICATED');
  return device;
});
