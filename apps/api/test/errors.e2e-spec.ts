import { errorBodySchema } from '@loupe/contracts';
import { loadConfig, testEnv } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, createApp } from '../src/app/create-app';

describe("errors leave as Pinterest's {code, message}", () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createApp(loadConfig(testEnv({ WEB_DIST_DIR: '/nonexistent' })), { quiet: true });
  });
  afterAll(async () => {
    await app.close();
  });

  function expectErrorBody(body: unknown, code: number): void {
    const parsed = errorBodySchema.strict().parse(body);
    expect(parsed.code).toBe(code);
    expect(parsed.message.length).toBeGreaterThan(0);
    expect(parsed.message).not.toMatch(/\s+at\s+\S+\.(ts|js):\d+/);
  }

  it('answers malformed JSON with 400 and code 1', async () => {
    const res = await request(app.getHttpServer()).post('/health').set('content-type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 1);
  });

  it('answers a body over the limit with 413 and code 10', async () => {
    const res = await request(app.getHttpServer())
      .post('/health')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(BODY_LIMIT_BYTES + 10) }));
    expect(res.status).toBe(413);
    expectErrorBody(res.body, 10);
  });

  it('answers an unknown route with 404 and code 4, and a known path with the wrong method likewise', async () => {
    const res = await request(app.getHttpServer()).delete('/health');
    expect(res.status).toBe(404);
    expectErrorBody(res.body, 4);
  });
});
