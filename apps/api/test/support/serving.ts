import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, testEnv } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createAdGroup, createCampaign } from './campaigns';
import type { TestUser } from './test-app';

/*
 * Helpers for the serving tests. An auction sees every deliverable ad group of its
 * database, so these tests run on a database of their own (created, migrated and dropped
 * here) where the only competitors are the ones a test creates. Its id sequence starts
 * at a random point so Redis counters of earlier runs (keyed by campaign and ad group
 * ids) can never be mistaken for this run's.
 */

const ROOT = resolve(__dirname, '../../../..');

export const SERVICE_KEY = loadConfig(testEnv()).serving.serviceKey;

export interface IsolatedDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const base = loadConfig(testEnv()).postgres.url;
  const name = `loupe_test_serving_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new DataSource({ type: 'postgres', url: base });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  // The migration CLI in its own process: TypeORM loads the .ts migrations with require().
  await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/cli/migrate.ts'], {
    cwd: ROOT,
    env: { ...testEnv(), DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', SWC_NODE_PROJECT: 'apps/api/tsconfig.json' } as NodeJS.ProcessEnv,
    timeout: 120_000,
  });
  const db = new DataSource({ type: 'postgres', url: url.toString() });
  await db.initialize();
  await db.query(`ALTER SEQUENCE loupe_id_seq RESTART WITH ${randomInt(1, 2 ** 40) * 1000}`);
  await db.destroy();
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ApiProcess {
  url: string;
  /** The spawned process (with API_PROCESSES > 1, the supervisor of the cluster). */
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after 10 s); resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * A second (third, …) real API process on a random loopback port (or `options.port`), on
 * the same services; resolves once it listens, or at once with `options.waitForListening` false.
 */
export async function startApiProcess(env: Record<string, string>, options: { port?: number; waitForListening?: boolean } = {}): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { ...testEnv(), ...env, SWC_NODE_PROJECT: 'apps/api/tsconfig.json', API_HOST: '127.0.0.1', API_PORT: String(port), WEB_DIST_DIR: '/nonexistent', LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (options.waitForListening !== false && !output.includes('listening')) {
    if (child.exitCode !== null) throw new Error(`API process exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API process did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ServingWorld {
  campaignId: string;
  adGroupId: string;
  adId: string;
  pinId: string;
}

/** A campaign (of the objective its billing needs), an ad group (ACCELERATED unless overridden) and one approved ad on a fresh pin. */
export async function createServingWorld(
  app: NestFastifyApplication,
  user: TestUser,
  adGroup: Record<string, unknown> = {},
  campaign: Record<string, unknown> = {},
): Promise<ServingWorld> {
  // Awareness campaigns buy impressions, consideration campaigns clicks.
  const objective = adGroup.billable_event === 'IMPRESSION' ? 'AWARENESS' : 'CONSIDERATION';
  const { id: campaignId } = await createCampaign(app, user, { objective_type: objective, ...campaign });
  const { id: adGroupId } = await createAdGroup(app, user, campaignId, { pacing_delivery_type: 'ACCELERATED', ...adGroup });
  const http = () => request(app.getHttpServer());
  const pin = await http()
    .post('/v5/pins')
    .set('Authorization', user.auth)
    .send({ title: 'Linen sofa', description: 'A sofa for slow Sundays', link: 'https://shop.example.com/sofa', media_source: { source_type: 'image_url', url: 'https://cdn.example.com/sofa.jpg' } });
  if (pin.status !== 201) throw new Error(`pin create failed: ${pin.status} ${JSON.stringify(pin.body)}`);
  const pinId = (pin.body as { id: string }).id;
  const ad = await http()
    .post(`/v5/ad_accounts/${user.adAccountId}/ads`)
    .set('Authorization', user.auth)
    .send([{ ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'ACTIVE' }]);
  const item = (ad.body as { items: { data?: { id: string; review_status: string } }[] }).items[0];
  if (ad.status !== 200 || item?.data?.review_status !== 'APPROVED') throw new Error(`ad create failed: ${ad.status} ${JSON.stringify(ad.body)}`);
  return { campaignId, adGroupId, adId: item.data.id, pinId };
}

export interface ServedAdBody {
  slot: number;
  ad_id: string;
  ad_group_id: string;
  campaign_id: string;
  price_micro_currency: number;
  billable_event: string;
  currency: string;
  impression_url: string;
  click_url: string;
  engagement_url: string;
  pin: { id: string; title: string | null; image_url: string; link: string | null };
}

export function serveBody(user: Record<string, unknown> = {}, placement = 'BROWSE', slots = 1): Record<string, unknown> {
  return { placement, slots, user: { id: `user-${randomUUID()}`, ...user } };
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; answers whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
