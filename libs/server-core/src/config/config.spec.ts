import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs one API process unless API_PROCESSES says how many (1–64)', () => {
    expect(loadConfig({}).api.processes).toBe(1);
    expect(loadConfig({ API_PROCESSES: '4' }).api.processes).toBe(4);
    for (const bad of ['0', '65', '2.5', 'many']) expect(() => loadConfig({ API_PROCESSES: bad })).toThrow(/API_PROCESSES/);
  });

  it('has defaults that point at the local services', () => {
    const config = loadConfig({});
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000', processes: 1 });
    expect(config.postgres.url).toBe('postgres://loupe:loupe@127.0.0.1:5432/loupe');
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/0', queuePrefix: '{loupe}' });
    expect(config.clickhouse).toMatchObject({ url: 'http://127.0.0.1:8123', database: 'loupe' });
  });

  it('coerces numbers and treats empty strings as unset', () => {
    const config = loadConfig({ API_PORT: '8080', LOG_LEVEL: '' });
    expect(config.api.port).toBe(8080);
    expect(config.log.level).toBe('info');
  });

  it('refuses a bad value and names the variable and the value', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig({ API_PORT: '70000', REDIS_URL: 'http://nope' });
      expect.unreachable();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('API_PORT');
      expect(message).toContain('"70000"');
      expect(message).toContain('REDIS_URL');
      expect(message).toContain('redis://');
      expect((err as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['API_PORT', 'REDIS_URL']);
    }
  });

  it('requires the queue prefix to be a Redis Cluster hash tag', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: 'loupe' })).toThrow(/QUEUE_PREFIX/);
    expect(loadConfig({ QUEUE_PREFIX: '{acme}' }).redis.queuePrefix).toBe('{acme}');
  });

  it('rejects a ClickHouse database name that is not a plain identifier', () => {
    expect(() => loadConfig({ CLICKHOUSE_DATABASE: 'x; DROP TABLE y' })).toThrow(/CLICKHOUSE_DATABASE/);
  });
});
