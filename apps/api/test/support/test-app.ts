import { randomUUID } from 'node:crypto';
import { loadConfig, testEnv } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app/create-app';

/** The real API on the real test services, without the web app and with generous rate limits. */
export function createTestApp(env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return createApp(
    loadConfig(
      testEnv({
        WEB_DIST_DIR: '/nonexistent',
        RATE_LIMIT_READ_PER_MINUTE: '100000',
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
        ...env,
      }),
    ),
    { quiet: true },
  );
}

/** The test app of one `describe` block, as `useTestApp` hands it out. */
export interface TestApp {
  /** The running application; only inside tests and hooks. */
  readonly app: NestFastifyApplication;
  /** Its Postgres connection, for checking what a request stored. */
  readonly db: DataSource;
  /** A fresh supertest request against the app's HTTP server. */
  http(): ReturnType<typeof request>;
}

/**
 * Starts a test app (see `createTestApp`) before the tests of the calling `describe`
 * block and closes it after them. Call it in the block's body; a `beforeAll` registered
 * after it may already use the app (Vitest runs `beforeAll` hooks in order).
 */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  let app: NestFastifyApplication | undefined;
  beforeAll(async () => {
    app = await createTestApp(env);
  });
  afterAll(async () => {
    await app?.close();
  });
  const started = (): NestFastifyApplication => {
    if (!app) throw new Error('useTestApp: the app runs only inside tests and hooks of its describe block');
    return app;
  };
  return {
    get app() {
      return started();
    },
    get db() {
      return started().get(DataSource);
    },
    http: () => request(started().getHttpServer()),
  };
}

export interface TestUser {
  email: string;
  password: string;
  token: string;
  userId: string;
  adAccountId: string;
  /** `Authorization` header value. */
  auth: string;
}

/** Signs up a fresh user (unique email) with a first ad account. */
export async function signUp(
  app: NestFastifyApplication,
  adAccount: { name?: string; currency?: string; timezone?: string; country?: string } = {},
): Promise<TestUser> {
  const email = `user-${randomUUID()}@test.loupe.dev`;
  const password = 'correct horse battery';
  const res = await request(app.getHttpServer())
    .post('/v5/auth/signup')
    .send({
      email,
      password,
      business_name: 'Test Business',
      ad_account: { name: adAccount.name ?? 'Test Account', country: adAccount.country ?? 'US', currency: adAccount.currency ?? 'USD', timezone: adAccount.timezone ?? 'UTC' },
    });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { access_token: string; user_id: string; ad_account_id: string };
  return { email, password, token: body.access_token, userId: body.user_id, adAccountId: body.ad_account_id, auth: `Bearer ${body.access_token}` };
}
