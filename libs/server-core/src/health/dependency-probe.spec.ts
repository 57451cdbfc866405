import { describe, expect, it } from 'vitest';
import { checkDependencies, checkDependency } from './dependency-probe';

describe('checkDependency', () => {
  it('reports up with a latency when the probe resolves', async () => {
    const result = await checkDependency(() => new Promise((r) => setTimeout(r, 20)), 1000);
    expect(result.status).toBe('up');
    expect(result.latency_ms).toBeGreaterThanOrEqual(15);
  });

  it('reports down with the error message when the probe rejects', async () => {
    const result = await checkDependency(() => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:1')), 1000);
    expect(result).toEqual({ status: 'down', latency_ms: null, message: 'ECONNREFUSED 127.0.0.1:1' });
  });

  it('reports down when the probe hangs past the deadline', async () => {
    const result = await checkDependency(() => new Promise(() => undefined), 50);
    expect(result).toEqual({ status: 'down', latency_ms: null, message: 'no answer within 50 ms' });
  });

  it('checks every dependency independently', async () => {
    const result = await checkDependencies(
      { postgres: async () => 1, redis: () => Promise.reject(new Error('down')), clickhouse: async () => 1 },
      500,
    );
    expect(result.postgres.status).toBe('up');
    expect(result.redis.status).toBe('down');
    expect(result.clickhouse.status).toBe('up');
  });
});
