import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DATABASE, type Database } from '../db/database.js';
import { KV, type KeyValueStore } from '../kv/kv.js';
import { CONFIG, type AppConfig } from '../config/config.js';
import { Route } from '../common/route.js';

const healthSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }).meta({ id: 'Health' });
const readySchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: z.string(), redis: z.string() }),
    mode: z.enum(['embedded', 'scaled']),
  })
  .meta({ id: 'Ready' });

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(KV) private readonly kv: KeyValueStore,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health')
  @Route({ summary: 'Liveness: the process answers', tags: ['ops'], roles: 'public', response: healthSchema })
  health(): z.infer<typeof healthSchema> {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @Route({
    summary: 'Readiness: database and (when configured) Redis reachable; 503 otherwise',
    tags: ['ops'],
    roles: 'public',
    response: readySchema,
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<z.infer<typeof readySchema>> {
    const database = await withTimeout(this.database.ping(), 2000).then(
      () => 'ok',
      (e: Error) => `error: ${e.message}`,
    );
    const redis = this.config.REDIS_URL
      ? await withTimeout(this.kv.ping(), 2000).then(
          () => 'ok',
          (e: Error) => `error: ${e.message}`,
        )
      : 'not_configured';
    const ok = database === 'ok' && (redis === 'ok' || redis === 'not_configured');
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ready' : 'not_ready',
      checks: { database, redis },
      mode: this.config.DATABASE_URL ? 'scaled' : 'embedded',
    };
  }
}
