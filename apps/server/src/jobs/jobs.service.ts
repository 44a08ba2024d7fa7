import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type AppConfig } from '../config/config.js';
import { BullMQJobRunner } from './bullmq-job-runner.js';
import { InProcessJobRunner } from './in-process-job-runner.js';
import type { JobDefinition, JobRunner } from './jobs.js';

/**
 * The application's job runner: BullMQ when REDIS_URL is set, timers in process otherwise.
 * Register in onModuleInit; jobs start at application bootstrap and stop at shutdown.
 */
@Injectable()
export class JobsService implements JobRunner, OnApplicationBootstrap, OnModuleDestroy {
  private readonly runner: JobRunner;

  constructor(@Inject(CONFIG) config: AppConfig) {
    this.runner = config.REDIS_URL ? new BullMQJobRunner(config.REDIS_URL) : new InProcessJobRunner();
  }

  get kind(): JobRunner['kind'] {
    return this.runner.kind;
  }

  register(job: JobDefinition): void {
    this.runner.register(job);
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  close(): Promise<void> {
    return this.runner.close();
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
