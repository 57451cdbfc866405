import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import { DeadLetterModule } from '../dead-letter/dead-letter.module';
import { IngestProcessor } from './ingest.processor';
import { DEFAULT_INGEST_OPTIONS, INGEST_OPTIONS, type IngestOptions } from './ingest.options';
import { RollupScheduler } from './rollup-scheduler';

/** The `events` queue into ClickHouse `events`, exactly once (docs/pipeline.md). */
@Module({})
export class IngestModule {
  static forRoot(options: Partial<IngestOptions> = {}): DynamicModule {
    return {
      module: IngestModule,
      imports: [DeadLetterModule, BullModule.registerQueue({ name: QUEUES.rollups })],
      providers: [{ provide: INGEST_OPTIONS, useValue: { ...DEFAULT_INGEST_OPTIONS, ...options } }, RollupScheduler, IngestProcessor],
      exports: [IngestProcessor],
    };
  }
}
