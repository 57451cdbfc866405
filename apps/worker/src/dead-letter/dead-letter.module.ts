import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import { DeadLetterPublisher } from './dead-letter.publisher';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.eventsDeadLetter })],
  providers: [DeadLetterPublisher],
  exports: [DeadLetterPublisher],
})
export class DeadLetterModule {}
