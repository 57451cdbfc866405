import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { LoupeConfig } from '../config/config';
import { CommandBatch } from './command-batch';
import { LOUPE_CONFIG } from '../config/config.module';

export const REDIS = Symbol('REDIS');

/** Commands fail fast while Redis is down instead of queueing forever. */
export function createRedis(config: Pick<LoupeConfig, 'redis'>, name = 'loupe'): Redis {
  return new Redis(config.redis.url, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

/**
 * Health probe: waits (within the deadline) for a connection still being made, then
 * PINGs. Commands fail fast while disconnected, so a bare PING right after boot would
 * report a healthy Redis as down.
 */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
  await redis.ping();
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The shared ioredis client for counters, pub/sub publishers and health checks, and its per-turn command batch. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [LOUPE_CONFIG],
      useFactory: (config: LoupeConfig) => {
        const logger = new Logger('Redis');
        const redis = createRedis(config);
        let lastLogged = 0;
        // Without a listener ioredis reports every failed reconnect as an unhandled error.
        redis.on('error', (err: Error) => {
          if (Date.now() - lastLogged > 10_000) {
            lastLogged = Date.now();
            logger.warn(`Redis error: ${err.message}`);
          }
        });
        return redis;
      },
    },
    { provide: CommandBatch, inject: [REDIS], useFactory: (redis: Redis) => new CommandBatch(redis) },
    RedisLifecycle,
  ],
  exports: [REDIS, CommandBatch],
})
export class RedisModule {}
