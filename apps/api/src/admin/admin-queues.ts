import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DeadLetterJob } from '@loupe/contracts';
import { LOUPE_CONFIG, QUEUES, bullConnection, type LoupeConfig } from '@loupe/server-core';
import { Queue } from 'bullmq';
import type { RedisOptions } from 'ioredis';

/**
 * Read/inspect handles on every BullMQ queue, for the admin endpoints and the queue
 * dashboard. The API never consumes these queues; it only looks at them.
 */
@Injectable()
export class AdminQueues implements OnApplicationShutdown {
  readonly deadLetters: Queue<DeadLetterJob>;
  readonly all: Queue[];

  constructor(@Inject(LOUPE_CONFIG) config: LoupeConfig) {
    // Fail fast while Redis is down: an admin page must answer, not hang on a reconnect.
    const connection = { ...(bullConnection(config) as RedisOptions), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    const open = <T>(name: string): Queue<T> => {
      const queue = new Queue<T>(name, { connection, prefix: config.redis.queuePrefix });
      queue.on('error', () => undefined); // reported through the requests that fail
      return queue;
    };
    this.deadLetters = open<DeadLetterJob>(QUEUES.eventsDeadLetter);
    this.all = [open(QUEUES.events), this.deadLetters as Queue, open(QUEUES.rollups), open(QUEUES.system)];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all.map((q) => q.close()));
  }
}
