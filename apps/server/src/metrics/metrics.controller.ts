import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { Req, Route } from '../common/route.js';
import { CONFIG, type AppConfig } from '../config/config.js';
import { Metrics } from './metrics.js';

/** With METRICS_TOKEN set, scrapers must send it as a bearer token. */
function authorized(expected: string | undefined, header: string | undefined): boolean {
  if (!expected) return true;
  const sent = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(expected);
  return sent.length === want.length && timingSafeEqual(sent, want);
}

@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Route({ summary: 'Prometheus metrics (bearer METRICS_TOKEN when the server sets one)', tags: ['ops'], roles: 'public', response: z.string() })
  scrape(@Req() request: FastifyRequest): Promise<string> {
    if (!authorized(this.config.METRICS_TOKEN, request.headers.authorization)) throw new AppError('UNAUTHENTICATED');
    return this.metrics.registry.metrics();
  }
}
