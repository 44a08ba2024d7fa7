import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from './config/config.js';
import { type Database, openDatabase } from './db/database.js';
import { type KeyValueStore, MemoryKeyValueStore, RedisKeyValueStore } from './kv/kv.js';
import { AppModule, controllers } from './app.module.js';
import { AllErrorsFilter } from './common/error.filter.js';
import { buildOpenApi, discoverRoutes } from './openapi/openapi.js';
import { Metrics } from './metrics/metrics.js';
import { AgentGateway } from './agent-gateway/agent-gateway.js';
import { ConsoleGateway } from './console-gateway/console-gateway.js';

export const VERSION = '0.1.0';

export interface CreateAppOptions {
  config: AppConfig;
  /** Reuse an open database (tests); otherwise opened from the config. */
  database?: Database;
  kv?: KeyValueStore;
}

export interface RunningApp {
  app: NestFastifyApplication;
  database: Database;
  kv: KeyValueStore;
  openapi: Record<string, unknown>;
  close(): Promise<void>;
}

/** Folders of the static export that hold a page (`login`, `settings/zones`, …), not the root. */
function pageDirs(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    const dir = rel ? `${rel}/${entry.name}` : entry.name;
    if (existsSync(join(root, dir, 'index.html'))) out.push(dir);
    out.push(...pageDirs(root, dir));
  }
  return out;
}

function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/out', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export async function createApp(options: CreateAppOptions): Promise<RunningApp> {
  const { config } = options;
  const database =
    options.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
    }));
  const kv =
    options.kv ??
    (config.REDIS_URL ? RedisKeyValueStore.connect(config.REDIS_URL) : new MemoryKeyValueStore());

  const adapter = new FastifyAdapter({
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, database, kv }),
    adapter,
    {
      logger: config.LOG_LEVEL === 'silent' ? false : ['error', 'warn'],
      bodyParser: true,
    abortOnError: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie);
  app.useGlobalFilters(new AllErrorsFilter());

  const metrics = app.get(Metrics);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', String(request.id));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const routes = discoverRoutes(controllers);
  const openapi = buildOpenApi(routes, VERSION);
  fastify.get('/api/openapi.json', (_req, reply) => reply.send(openapi));
  SwaggerModule.setup('api/docs', app, openapi as unknown as OpenAPIObject, {
    customSiteTitle: 'eControl API',
    jsonDocumentUrl: 'api/docs-json',
  });

  const webDir = config.WEB_DIR ?? defaultWebDir();
  if (webDir) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
    // The console is a static export with trailing-slash pages: `/login` → 301 `/login/`.
    for (const dir of pageDirs(webDir)) {
      fastify.get(`/${dir}`, (req, reply) => {
        const query = req.url.indexOf('?');
        return reply.redirect(`/${dir}/${query >= 0 ? req.url.slice(query) : ''}`, 301);
      });
    }
  }

  await app.init();
  // PC agents: Socket.IO on the same HTTP server (namespace /agent).
  const agents = app.get(AgentGateway);
  agents.attach(app.getHttpServer());
  // Staff browsers: live floor on the same Socket.IO server (namespace /console).
  app.get(ConsoleGateway).attach(agents.server!);
  return {
    app,
    database,
    kv,
    openapi,
    close: async () => {
      await app.close();
      if (!options.kv) await kv.close();
      if (!options.database) await database.close();
    },
  };
}
