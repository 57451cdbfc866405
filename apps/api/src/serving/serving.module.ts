import { randomInt } from 'node:crypto';
import { Module } from '@nestjs/common';
import { seededRandom } from '@loupe/auction';
import { CommandBatch, REDIS } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { RawRoutesModule } from '../common/raw-routes';
import { BudgetLeases } from './budget-leases';
import { BudgetStore } from './budget-store';
import { ExplainCounters } from './explain';
import { PacingService } from './pacing.service';
import { QualityScores } from './quality-scores';
import { ServeController } from './serve.controller';
import { ServeRoute } from './serve-route';
import { SERVING_RANDOM, ServeService } from './serve.service';
import { ServingIndex } from './serving-index';
import { ServingSync } from './serving-sync';

/**
 * The ad server: POST /internal/serve over an in-memory index kept current by change
 * notifications (ServingChangesModule publishes them), budgets and frequency caps in
 * Redis, pacing and explain counters (docs/serving.md). Exports the budget store (the
 * click charge of tracking) and the explain counters (delivery diagnostics).
 */
@Module({
  imports: [RawRoutesModule],
  controllers: [ServeController],
  providers: [
    ServingIndex,
    ServeService,
    ServeRoute,
    PacingService,
    QualityScores,
    ServingSync,
    { provide: BudgetStore, inject: [REDIS, CommandBatch], useFactory: (redis: Redis, batch: CommandBatch) => new BudgetStore(redis, undefined, batch) },
    { provide: BudgetLeases, inject: [BudgetStore], useFactory: (budgets: BudgetStore) => new BudgetLeases(budgets) },
    { provide: ExplainCounters, inject: [REDIS], useFactory: (redis: Redis) => new ExplainCounters(redis) },
    // A fresh seed per process; tests inject a seeded source to make a run reproducible.
    { provide: SERVING_RANDOM, useFactory: () => seededRandom(randomInt(2 ** 31)) },
  ],
  exports: [BudgetStore, BudgetLeases, ExplainCounters, ServingIndex, PacingService],
})
export class ServingModule {}
