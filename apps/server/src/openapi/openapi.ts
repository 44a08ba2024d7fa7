import { RequestMethod } from '@nestjs/common';
import { z } from 'zod';
import { errorBodySchema } from '@econtrol/contracts';
import { ROUTE_META, type RouteSpec } from '../common/route.js';

type JsonSchema = Record<string, unknown>;
export interface DiscoveredRoute {
  method: string;
  path: string;
  spec: RouteSpec;
  operationId: string;
}

const methodNames: Record<number, string> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
};

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Reads every controller method's Nest route and @Route spec; a route without a spec stops the boot. */
export function discoverRoutes(controllers: (new (...args: never[]) => unknown)[]): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const controller of controllers) {
    const base = (Reflect.getMetadata('path', controller) as string | undefined) ?? '';
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata('path', handler) as string | undefined;
      const method = Reflect.getMetadata('method', handler) as number | undefined;
      if (path === undefined || method === undefined) continue;
      const spec = Reflect.getMetadata(ROUTE_META, handler) as RouteSpec | undefined;
      if (!spec)
        throw new Error(`${controller.name}.${name} has no @Route spec (roles and schemas are required)`);
      routes.push({
        method: methodNames[method] ?? 'get',
        path: joinPath(base, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
        spec,
        operationId: `${controller.name.replace(/Controller$/, '')}_${name}`,
      });
    }
  }
  return routes;
}

class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(defs)) this.components[id] ??= this.rewrite(def) as JsonSchema;
    const rewritten = this.rewrite(json) as JsonSchema;
    const id = typeof json.id === 'string' ? json.id : undefined;
    if (id) {
      delete rewritten.id;
      this.components[id] ??= rewritten;
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewritten;
  }

  private rewrite(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.rewrite(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] =
          k === '$ref' && typeof v === 'string'
            ? v.replace('#/$defs/', '#/components/schemas/')
            : this.rewrite(v);
      }
      return out;
    }
    return value;
  }
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', collector: SchemaCollector) {
  if (!schema) return [];
  const json = collector.convert(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** OpenAPI 3.1 document generated from the routes' zod contracts. */
export function buildOpenApi(routes: DiscoveredRoute[], version: string): Record<string, unknown> {
  const collector = new SchemaCollector();
  const errorRef = collector.convert(errorBodySchema, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { spec } = route;
    const status = String(spec.status ?? (route.method === 'post' ? 201 : 200));
    const responses: Record<string, unknown> = {
      [status]: {
        description: 'OK',
        ...(spec.response && status !== '204'
          ? { content: { 'application/json': { schema: collector.convert(spec.response, 'output') } } }
          : {}),
      },
    };
    for (const code of ['400', '401', '403', '404', '409', '429'] as const) {
      if (spec.roles === 'public' && (code === '401' || code === '403')) continue;
      responses[code] = { description: 'Error', content: { 'application/json': { schema: errorRef } } };
    }
    const parameters = [
      ...parametersOf(spec.params, 'path', collector),
      ...parametersOf(spec.query, 'query', collector),
      ...(spec.idempotent
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              description: 'Client-generated unique key; a replay returns the first result',
              schema: { type: 'string', minLength: 8, maxLength: 100 },
            },
          ]
        : []),
    ];
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags ?? [],
      ...(spec.roles === 'public'
        ? { security: [] }
        : { 'x-roles': spec.roles, security: [{ bearer: [] }, { cookie: [] }] }),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: collector.convert(spec.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'eControl API',
      version,
      description:
        'API de eControl para LAN centers. Montos en unidades menores enteras (céntimos). Errores: { error: { code, status, message, messages: { es, en }, fields? } }.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: collector.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ec_at',
          description: 'Browser session; mutations also need X-CSRF-Token',
        },
      },
    },
  };
}
