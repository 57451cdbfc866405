import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DeadLetterJob } from '@loupe/contracts';
import { LOUPE_CONFIG, QUEUES, bullConnection, closeQueue, type LoupeConfig } from '@loupe/server-core';
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
    // One retry, then fail: an admin page must answer while Redis is down, not hang. The
    // offline queue stays on: without it a connection closed while still connecting (an app
    // shut down right after boot, as tests do) rejects its SELECT with nobody to catch it.
    const connection = { ...(bullConnection(config) as RedisOptions), maxRetriesPerRequest: 1 };
    const open = <T>(name: string): Queue<T> => {
      const queue = new Queue<T>(name, { connection, prefix: config.redis.queuePrefix });
      queue.on('error', () => undefined); // reported through the requests that fail
      return queue;
    };
    this.deadLetters = open<DeadLetterJob>(QUEUES.eventsDeadLetter);
    this.all = [open(QUEUES.events), this.deadLetters as Queue, open(QUEUES.rollups), open(QUEUES.system)];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all.map((q) => closeQueue(q)));
  }
}
