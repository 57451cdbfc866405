import { Module } from '@nestjs/common';
import { AdminQueues } from './admin-queues';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';
import { QueueDashboard } from './queue-dashboard';

/** Operator tools for the event pipeline: dead letters and the queue dashboard. */
@Module({
  controllers: [DeadLettersController],
  providers: [AdminQueues, DeadLettersService, QueueDashboard],
})
export class AdminModule {}
