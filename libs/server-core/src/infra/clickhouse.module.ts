import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createClickHouseHttpExecutor, type ClickHouseExecutor } from '@loupe/analytics';
import type { LoupeConfig } from '../config/config';
import { LOUPE_CONFIG } from '../config/config.module';

export const CLICKHOUSE = Symbol('CLICKHOUSE');
export type { ClickHouseExecutor };

@Injectable()
class ClickHouseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor) {}

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}

/** The ClickHouse server over HTTP; every value in its SQL goes through @loupe/analytics' literal formatter. */
@Global()
@Module({
  providers: [
    {
      provide: CLICKHOUSE,
      inject: [LOUPE_CONFIG],
      useFactory: ({ clickhouse, health }: LoupeConfig): ClickHouseExecutor =>
        createClickHouseHttpExecutor({ url: clickhouse.url, username: clickhouse.user, password: clickhouse.password, requestTimeoutMs: Math.max(30_000, health.timeoutMs) }),
    },
    ClickHouseLifecycle,
  ],
  exports: [CLICKHOUSE],
})
export class ClickHouseModule {}
