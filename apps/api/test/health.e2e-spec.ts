import { HEALTH_DEPENDENCIES, healthResponseSchema, type HealthDependency } from '@loupe/contracts';
import { loadConfig, testEnv } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/create-app';

/** A loopback port nothing listens on: connections are refused at once. */
const DEAD = {
  postgres: { DATABASE_URL: 'postgres://loupe:loupe@127.0.0.1:1/loupe_test' },
  redis: { REDIS_URL: 'redis://127.0.0.1:1/1' },
  clickhouse: { CLICKHOUSE_URL: 'http://127.0.0.1:1' },
} satisfies Record<HealthDependency, Record<string, string>>;

async function boot(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return createApp(loadConfig(testEnv({ WEB_DIST_DIR: '/nonexistent', ...overrides })), { quiet: true });
}

describe('GET /health (real Postgres, Redis and ClickHouse)', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await boot();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 200 with every dependency up and its latency', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    const body = healthResponseSchema.parse(res.body);
    expect(body.status).toBe('ok');
    for (const name of HEALTH_DEPENDENCIES) {
      expect(body.dependencies[name].status).toBe('up');
      expect(body.dependencies[name].latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('echoes a caller-supplied correlation id and makes one up otherwise', async () => {
    const echoed = await request(app.getHttpServer()).get('/health').set('X-Request-Id', 'trace-123');
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    const fresh = await request(app.getHttpServer()).get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an unknown route with Pinterest's {code, message} 404", async () => {
    const res = await request(app.getHttpServer()).get('/v5/no_such_thing').expect(404);
    expect(res.body).toEqual({ code: 4, message: expect.stringContaining('/v5/no_such_thing') });
  });
});

describe.each(HEALTH_DEPENDENCIES)('GET /health with %s on a dead port', (dead) => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await boot({ ...DEAD[dead], HEALTH_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await app.close();
  });

  it(`answers 503 naming ${dead} as down and the others as up`, async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(503);
    const body = healthResponseSchema.parse(res.body);
    expect(body.status).toBe('error');
    expect(body.dependencies[dead]).toMatchObject({ status: 'down', latency_ms: null });
    expect(body.dependencies[dead].message).toBeTruthy();
    for (const other of HEALTH_DEPENDENCIES.filter((d) => d !== dead)) {
      expect(body.dependencies[other].status).toBe('up');
    }
  });
});
