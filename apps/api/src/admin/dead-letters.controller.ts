import { Controller, Get, Query } from '@nestjs/common';
import { deadLettersQuerySchema, deadLettersResponseSchema, type DeadLettersQuery, type DeadLettersResponse } from '@loupe/contracts';
import { Route } from '../common/route.decorator';
import { DeadLettersService } from './dead-letters.service';

@Controller('internal/admin/dead_letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @Route({
    summary: 'List dead-lettered events',
    description:
      'Events the ingest worker could not store (invalid payloads, rows ClickHouse rejected), newest first, each with the stage, the reason and the event as received. ' +
      'For operators: requires the service key. The queue dashboard at /internal/queues shows the same queue.',
    tag: 'operations',
    access: { kind: 'service' },
    extension: true,
    query: deadLettersQuerySchema,
    response: deadLettersResponseSchema,
  })
  list(@Query() query: DeadLettersQuery): Promise<DeadLettersResponse> {
    return this.deadLetters.list(query);
  }
}
