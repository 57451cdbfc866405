import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { LOUPE_CONFIG, REDIS, type LoupeConfig } from '@loupe/server-core';
import type { Redis } from 'ioredis';

/**
 * The pub/sub channel of serving-index invalidations. Redis pub/sub ignores the database
 * index, so the channel names it: processes on another database (another deployment or
 * test run on the same server) never reload for each other's changes.
 */
export function servingChangesChannel(config: Pick<LoupeConfig, 'redis'>): string {
  const db = new URL(config.redis.url).pathname.replace(/^\//, '') || '0';
  return `loupe:serving:changes:db${db}`;
}

/**
 * Tells every API process that an ad account's deliverable ads may have changed. The
 * management services call it AFTER their transaction committed (a reload that ran
 * before the commit would read the old rows). Pub/sub is not durable: a process that
 * misses a message catches up at the next periodic resync (docs/serving.md).
 */
@Injectable()
export class ServingChanges {
  private readonly logger = new Logger(ServingChanges.name);
  private readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOUPE_CONFIG) config: LoupeConfig,
  ) {
    this.channel = servingChangesChannel(config);
  }

  /** Never fails the write that caused it: the resync repairs a lost notification. */
  async adAccountChanged(adAccountId: string): Promise<void> {
    try {
      await this.redis.publish(this.channel, adAccountId);
    } catch (err) {
      this.logger.warn(`serving change of ad account ${adAccountId} not published (the resync will pick it up): ${String(err)}`);
    }
  }
}

/** Global so the campaign, ad group, ad and ad account services can publish without importing serving. */
@Global()
@Module({ providers: [ServingChanges], exports: [ServingChanges] })
export class ServingChangesModule {}
