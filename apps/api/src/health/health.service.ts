import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { HEALTH_DEPENDENCIES, type HealthDependency, type HealthResponse } from '@loupe/contracts';
import {
  CLICKHOUSE,
  DatabaseConnector,
  LOUPE_CONFIG,
  REDIS,
  pingRedis,
  checkDependency,
  type ClickHouseExecutor,
  type LoupeConfig,
  type Probe,
} from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

/** Checks Postgres, Redis and ClickHouse through @nestjs/terminus, each under a deadline. */
@Injectable()
export class HealthService {
  private readonly probes: Record<HealthDependency, Probe>;

  constructor(
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: DatabaseConnector,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {
    this.probes = {
      postgres: async () => {
        await this.db.ensureConnected();
        await this.dataSource.query('SELECT 1');
      },
      redis: () => pingRedis(this.redis, this.config.health.timeoutMs),
      clickhouse: () => this.clickhouse.ping(),
    };
  }

  async check(): Promise<HealthResponse> {
    let result: HealthCheckResult;
    try {
      result = await this.terminus.check(HEALTH_DEPENDENCIES.map((name) => () => this.indicator(name)));
    } catch (err) {
      // Terminus throws a 503 HttpException whose response is the full result.
      const response = (err as { getResponse?: () => unknown }).getResponse?.();
      if (!response || typeof response !== 'object' || !('details' in response)) throw err;
      result = response as HealthCheckResult;
    }
    const dependencies = Object.fromEntries(
      HEALTH_DEPENDENCIES.map((name) => {
        const { status, latency_ms, message } = result.details[name] as HealthIndicatorResult[string];
        return [name, { status, latency_ms, ...(message ? { message } : {}) }];
      }),
    ) as HealthResponse['dependencies'];
    return {
      status: result.status === 'ok' ? 'ok' : 'error',
      checked_at: new Date().toISOString(),
      dependencies,
    };
  }

  private async indicator(name: HealthDependency): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(name);
    const health = await checkDependency(this.probes[name], this.config.health.timeoutMs);
    return health.status === 'up'
      ? indicator.up({ latency_ms: health.latency_ms })
      : indicator.down({ latency_ms: null, message: health.message });
  }
}
