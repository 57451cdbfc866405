import { Module, type DynamicModule } from '@nestjs/common';
import { DeadLetterModule } from '../dead-letter/dead-letter.module';
import { RollupsModule } from '../rollups/rollups.module';
import { IngestProcessor } from './ingest.processor';
import { DEFAULT_INGEST_OPTIONS, INGEST_OPTIONS, type IngestOptions } from './ingest.options';

/** The `events` queue into ClickHouse `events`, exactly once (docs/pipeline.md). */
@Module({})
export class IngestModule {
  static forRoot(options: Partial<IngestOptions> = {}): DynamicModule {
    return {
      module: IngestModule,
      // RollupsModule exports the RollupScheduler the processor calls after each insert.
      imports: [DeadLetterModule, RollupsModule],
      providers: [{ provide: INGEST_OPTIONS, useValue: { ...DEFAULT_INGEST_OPTIONS, ...options } }, IngestProcessor],
      exports: [IngestProcessor],
    };
  }
}
