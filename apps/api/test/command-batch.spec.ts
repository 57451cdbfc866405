import { randomUUID } from 'node:crypto';
import { CommandBatch, createRedis, loadConfig, pingRedis, testEnv } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

describe('CommandBatch (real Redis): the commands of one event-loop turn as one pipeline', () => {
  let redis: Redis;
  const prefix = `loupe-test-batch-${randomUUID()}`;
  beforeAll(async () => {
    redis = createRedis(loadConfig(testEnv()), 'command-batch-test');
    await pingRedis(redis, 5_000);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('sends the calls of one turn as one pipeline, each caller getting its own answer, in order', async () => {
    const batch = new CommandBatch(redis);
    const pipelines = vi.spyOn(redis, 'pipeline');
    const key = `${prefix}:n`;
    const answers = await Promise.all([
      batch.call<number>((p) => p.incr(key)),
      batch.call<number>((p) => p.incr(key)),
      batch.call<string | null>((p) => p.set(`${prefix}:claim`, 'first', 'EX', 60, 'NX', 'GET')),
      batch.call<string | null>((p) => p.set(`${prefix}:claim`, 'second', 'EX', 60, 'NX', 'GET')),
    ]);
    expect(pipelines).toHaveBeenCalledTimes(1);
    pipelines.mockRestore();
    expect(answers).toEqual([1, 2, null, 'first']);
  });

  it('rejects only the caller whose command failed', async () => {
    const batch = new CommandBatch(redis);
    const text = `${prefix}:text`;
    await redis.set(text, 'not a number');
    const [bad, good] = await Promise.allSettled([batch.call<number>((p) => p.incr(text)), batch.call<number>((p) => p.incr(`${prefix}:m`))]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
  });

  it('sends a batch at once when it reaches its size, without waiting for the turn to end', async () => {
    const batch = new CommandBatch(redis, 3);
    const pipelines = vi.spyOn(redis, 'pipeline');
    const calls = [1, 2, 3, 4].map(() => batch.call<number>((p) => p.incr(`${prefix}:size`)));
    expect(pipelines).toHaveBeenCalledTimes(1); // the first three, synchronously
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4]);
    expect(pipelines).toHaveBeenCalledTimes(2);
    pipelines.mockRestore();
  });
});
