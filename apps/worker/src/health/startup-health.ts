import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthDependency } from '@loupe/contracts';
import {
  CLICKHOUSE,
  DatabaseConnector,
  LOUPE_CONFIG,
  REDIS,
  pingRedis,
  checkDependencies,
  type ClickHouseExecutor,
  type DependencyHealth,
  type LoupeConfig,
} from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';

/** Logs the same up/down + latency report as the API's /health when the worker starts. */
@Injectable()
export class StartupHealth implements OnApplicationBootstrap {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly db: DatabaseConnector,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.report();
  }

  async report(): Promise<Record<HealthDependency, DependencyHealth>> {
    const result = await checkDependencies(
      {
        postgres: async () => {
          await this.db.ensureConnected();
          await this.dataSource.query('SELECT 1');
        },
        redis: () => pingRedis(this.redis, this.config.health.timeoutMs),
        clickhouse: () => this.clickhouse.ping(),
      },
      this.config.health.timeoutMs,
    );
    for (const [name, health] of Object.entries(result)) {
      const line = { dependency: name, ...health };
      if (health.status === 'up') this.logger.log(line, `${name} up`);
      else this.logger.warn(line, `${name} down`);
    }
    return result;
  }
}
