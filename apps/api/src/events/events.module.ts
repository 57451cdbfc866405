import { Global, Module } from '@nestjs/common';
import { EventPublisher } from './event-publisher';
import { RedisDurabilityCheck } from './redis-durability';

/** The durable, group-committed way into the event pipeline (tracking, conversions). */
@Global()
@Module({ providers: [EventPublisher, RedisDurabilityCheck], exports: [EventPublisher] })
export class EventsModule {}
