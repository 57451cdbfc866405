import { Controller, Get, Res } from '@nestjs/common';
import { healthResponseSchema, type HealthResponse } from '@loupe/contracts';
import type { FastifyReply } from 'fastify';
import { PUBLIC, Route } from '../common/route.decorator';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when Postgres, Redis and ClickHouse all answer; 503 naming the one that does not. */
  @Get()
  @Route({ summary: 'Health of Postgres, Redis and ClickHouse (503 when one is down)', tag: 'operations', access: PUBLIC, extension: true, response: healthResponseSchema })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthResponse> {
    const result = await this.health.check();
    void reply.status(result.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return result;
  }
}
