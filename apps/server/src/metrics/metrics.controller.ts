import { Controller, Get, Header, Inject } from '@nestjs/common';
import { z } from 'zod';
import { Route } from '../common/route.js';
import { Metrics } from './metrics.js';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Route({ summary: 'Prometheus metrics', tags: ['ops'], roles: 'public', response: z.string() })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
