import { createParamDecorator, type ExecutionContext, SetMetadata, applyDecorators } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Role } from '@econtrol/contracts';
import { AppError } from './app-error.js';
import { spanishMessages, zodFields } from './error.filter.js';
import type { Actor } from './actor.js';

export const ROUTE_META = 'econtrol:route';


export interface RouteSpec {
  summary: string;
  tags?: string[];
  /**
   * Who may call it; 'public' needs no token; 'device' needs a PC agent's device token whose
   * credential is still active. Required on every route (deny by default).
   */
  roles: readonly Role[] | 'public' | 'device';
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Money-moving: requires an Idempotency-Key header. */
  idempotent?: boolean;
  /**
   * Rate limit bucket. 'auth': per client IP. 'device': per PC (a device-token route; every PC of
   * a LAN center shares one public IP behind NAT). 'device-token': per device credential, plus a
   * wide per-IP cap so a whole LAN center coming back from a power cut renews at once.
   */
  rateLimit?: 'auth' | 'device' | 'device-token';
  description?: string;
}

/** Declares a route's contract: roles (checked by the guard), zod schemas (validation + OpenAPI). */
export const Route = (spec: RouteSpec) => applyDecorators(SetMetadata(ROUTE_META, spec));

function specOf(ctx: ExecutionContext): RouteSpec {
  const spec = Reflect.getMetadata(ROUTE_META, ctx.getHandler()) as RouteSpec | undefined;
  if (!spec) throw new Error(`Route without @Route spec: ${ctx.getHandler().name}`);
  return spec;
}

/** Paths of strings holding a NUL character: PostgreSQL text cannot store it. */
function nulPaths(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path.join('.') || '(root)');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, [...path, String(i)], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nulPaths(v, [...path, k], out);
  }
  return out;
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  const bad = nulPaths(value);
  if (bad.length) {
    const messages = { es: 'No se permiten caracteres NUL', en: 'NUL characters are not allowed' };
    throw new AppError('VALIDATION_FAILED', { in: where }, bad.map((path) => ({ path, code: 'invalid_characters', message: messages.en, messages })));
  }
  if (!schema) return value;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const spanish = schema.safeParse(value ?? {}, { error: spanishMessages });
    throw new AppError('VALIDATION_FAILED', { in: where }, zodFields(result.error, spanish.error));
  }
  return result.data;
}

export const Body = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseWith(specOf(ctx).body, ctx.switchToHttp().getRequest<FastifyRequest>().body, 'body'),
);
export const Query = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseWith(specOf(ctx).query, ctx.switchToHttp().getRequest<FastifyRequest>().query, 'query'),
);
export const Params = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseWith(specOf(ctx).params, ctx.switchToHttp().getRequest<FastifyRequest>().params, 'params'),
);
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<FastifyRequest>().actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return actor;
});
export const Req = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  ctx.switchToHttp().getRequest<FastifyRequest>(),
);
