import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { REDIS } from '@loupe/server-core';
import type { Redis } from 'ioredis';

/**
 * What is wrong, for an acknowledged event's durability, with a Redis running with
 * these settings (docs/operations.md "Redis in production"): without the append-only
 * file a restart loses acknowledged events and budget counters; under any eviction
 * policy but noeviction a full Redis silently deletes queue jobs and counters.
 */
export function redisDurabilityWarnings(settings: { appendonly?: string; maxmemoryPolicy?: string }): string[] {
  const warnings: string[] = [];
  if (settings.appendonly !== undefined && settings.appendonly !== 'yes') {
    warnings.push(`Redis runs with appendonly ${settings.appendonly}: a Redis restart loses acknowledged events and budget counters (production needs appendonly yes).`);
  }
  if (settings.maxmemoryPolicy !== undefined && settings.maxmemoryPolicy !== 'noeviction') {
    warnings.push(
      `Redis runs with maxmemory-policy ${settings.maxmemoryPolicy}: a full Redis may evict queued events and budget counters (production needs noeviction).`,
    );
  }
  return warnings;
}

/** Reads the connected Redis's settings; `{}` when CONFIG is not allowed (some managed Redis). */
export async function readRedisDurability(redis: Redis): Promise<{ appendonly?: string; maxmemoryPolicy?: string }> {
  const [aof, policy] = await Promise.all([
    redis.config('GET', 'appendonly') as Promise<string[]>,
    redis.config('GET', 'maxmemory-policy') as Promise<string[]>,
  ]);
  return { appendonly: aof[1], maxmemoryPolicy: policy[1] };
}

/** Warns at boot when the connected Redis could lose acknowledged events. Never blocks or fails the boot. */
@Injectable()
export class RedisDurabilityCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RedisDurability');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationBootstrap(): void {
    void this.check();
  }

  /** Resolves to the warnings it logged (for tests). */
  async check(): Promise<string[]> {
    try {
      if (this.redis.status !== 'ready') await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('Redis not ready within 5 s')), 5_000).unref();
        this.redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const warnings = redisDurabilityWarnings(await readRedisDurability(this.redis));
      for (const warning of warnings) this.logger.warn(warning);
      return warnings;
    } catch (err) {
      this.logger.debug(`could not read Redis durability settings: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }
}
