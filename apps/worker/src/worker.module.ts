import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import {
  ClickHouseModule,
  DEFAULT_JOB_OPTIONS,
  DatabaseModule,
  LOUPE_CONFIG,
  LoupeConfigModule,
  QUEUES,
  RedisModule,
  bullConnection,
  loggerOptions,
  type LoupeConfig,
} from '@loupe/server-core';
import { LoggerModule } from 'nestjs-pino';
import { StartupHealth } from './health/startup-health';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { ReportsModule } from './reports/reports.module';
import { RollupsModule } from './rollups/rollups.module';
import { IngestModule } from './ingest/ingest.module';
import type { IngestOptions } from './ingest/ingest.options';
import { SystemProcessor } from './system/system.processor';

/** The worker: BullMQ processors only, no HTTP server. */
@Module({})
export class WorkerModule {
  /** `ingest` overrides the ingest tuning (tests shorten its timers). */
  static forRoot(config: LoupeConfig, options: { ingest?: Partial<IngestOptions> } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoupeConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: loggerOptions(config, 'worker') }),
        DatabaseModule.forRoot([]),
        RedisModule,
        ClickHouseModule,
        BullModule.forRootAsync({
          inject: [LOUPE_CONFIG],
          useFactory: (c: LoupeConfig) => ({
            connection: bullConnection(c),
            prefix: c.redis.queuePrefix,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue({ name: QUEUES.system }),
        RollupsModule,
        ReconciliationModule,
        // Once: a second import of this dynamic module would start a second IngestProcessor
        // (Nest keys dynamic modules by reference); IngestOptions.pipelines says how many run.
        IngestModule.forRoot(options.ingest),
        ReportsModule,
      ],
      providers: [StartupHealth, SystemProcessor],
    };
  }
}
