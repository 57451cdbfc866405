import { Global, Module } from '@nestjs/common';
import { EventPublisher } from './event-publisher';

/** The durable, group-committed way into the event pipeline (tracking, conversions). */
@Global()
@Module({ providers: [EventPublisher], exports: [EventPublisher] })
export class EventsModule {}
