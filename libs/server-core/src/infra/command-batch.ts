import type { ChainableCommander, Redis } from 'ioredis';

interface Queued {
  add: (pipeline: ChainableCommander) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Sends the Redis commands of every request that arrived in one turn of the event loop
 * as one pipeline (one socket write, one read), each caller still getting its own
 * command's answer or error. On loopback a socket write costs the sender the receiver's
 * TCP work as well, so for the tracking endpoints (three small commands per request)
 * the writes, not the commands, were most of the CPU (docs/pipeline.md "Benchmark"),
 * and the serve path's one reservation script per request was a third of its CPU
 * (docs/serving.md "Performance"). One instance per process (RedisModule provides it),
 * so the serve and tracking commands of a turn share the write.
 *
 * Unlike ioredis' `enableAutoPipelining`, which flushes on `process.nextTick` (so each
 * HTTP request's callback still gets its own write), this flushes on `setImmediate`:
 * after every request parsed in the same I/O phase has queued its commands. No
 * transaction is implied: each command runs on its own, as it would unbatched, so a
 * script still touches the keys of one hash tag only.
 */
export class CommandBatch {
  private queued: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    /** A batch this long is sent at once. */
    private readonly maxCommands = 1_000,
  ) {}

  /** Queues one command (`add` must add exactly one to the pipeline); resolves with its answer. */
  call<T>(add: (pipeline: ChainableCommander) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ add, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length >= this.maxCommands) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    let pipeline: ChainableCommander;
    try {
      pipeline = this.redis.pipeline();
      for (const q of batch) q.add(pipeline);
    } catch (err) {
      for (const q of batch) q.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    pipeline.exec().then(
      (results) => {
        for (let i = 0; i < batch.length; i++) {
          const result = results?.[i];
          if (!result) batch[i]!.reject(new Error('Redis answered no result for a pipelined command'));
          else if (result[0]) batch[i]!.reject(result[0]);
          else batch[i]!.resolve(result[1]);
        }
      },
      (err: unknown) => {
        for (const q of batch) q.reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
}
