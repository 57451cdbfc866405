import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEventValuesRow } from '@loupe/analytics';
import type { AdEvent } from '@loupe/contracts';
import { QUEUES, bullConnection, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { SignedEvent } from '../../src/tracking/signed-event';

/*
 * Helpers for tests of the tracking endpoints and the event pipeline's front door:
 * signed tokens, requests from a chosen client IP, the `events` queue's contents and
 * throwaway Redis servers.
 */

/** A signed event for a fresh auction (unique id), overridable field by field. */
export function signedEvent(fields: Partial<SignedEvent> = {}): SignedEvent {
  return {
    auctionId: `a-${randomUUID()}`,
    slot: 0,
    adId: '1',
    adGroupId: '1',
    campaignId: '1',
    adAccountId: '1',
    pinId: '1',
    priceMicros: 2_500,
    billableEvent: 'IMPRESSION',
    userKey: randomBytes(32).toString('hex'),
    placement: 'BROWSE',
    ageBucket: '25-34',
    gender: 'female',
    location: 'US',
    device: 'ANDROID_MOBILE',
    locale: 'en-US',
    interest: 'home decor',
    issuedAt: Math.floor(Date.now() / 1000),
    ...fields,
  };
}

export const BROWSER_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** A loopback address of its own, so IP-keyed rules (bursts) of one test never see another's requests. */
export function freshLoopbackIp(): string {
  const b = randomBytes(3);
  return `127.${b[0]! % 250 + 1}.${b[1]}.${b[2]! % 250 + 1}`;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Header names and values as received, in order. */
  rawHeaders: string[];
  body: Buffer;
  json(): unknown;
}

/** One request from `ip` (a loopback address) to the listening app; no user agent unless given. */
export function hit(
  app: NestFastifyApplication,
  method: 'GET' | 'HEAD' | 'POST',
  path: string,
  options: { ip?: string; userAgent?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: options.ip ?? '127.0.0.1',
        headers: {
          ...(options.userAgent === undefined ? {} : { 'user-agent': options.userAgent }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The `events` queue as the worker would read it. */
export function eventsQueue(config: LoupeConfig): Queue {
  return new Queue(QUEUES.events, { connection: bullConnection(config), prefix: config.redis.queuePrefix });
}

/**
 * The events of an `events` job in either format: a lean job's rows decoded (as they will be
 * stored: event_time in whole seconds), then the events it carries as themselves.
 */
export function jobEvents(data: unknown): AdEvent[] {
  const { rows, events } = (data ?? {}) as { rows?: string[]; events?: AdEvent[] };
  return [...(rows ?? []).map((row) => decodeEventValuesRow(row) as AdEvent), ...(events ?? [])];
}

/** Every queued job's events that `match` selects (other tests share the queue), with the job id. */
export async function queuedEvents(queue: Queue, match: (e: AdEvent) => boolean): Promise<(AdEvent & { jobId: string })[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
  return jobs.flatMap((job) => jobEvents(job.data).filter(match).map((e) => ({ ...e, jobId: String(job.id) })));
}

/** Removes the jobs all of whose events `match` selects (a test's own jobs), so the shared queue does not grow run after run. */
export async function removeQueuedJobs(queue: Queue, match: (e: AdEvent) => boolean): Promise<void> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'completed', 'failed', 'prioritized']);
  await Promise.all(jobs.filter((job) => jobEvents(job.data).every(match)).map((job) => job.remove().catch(() => undefined)));
}

/** A TCP port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server of the test's own on a free loopback port (never the shared one), stopped with `stop()`. */
export async function startRedis(args: string[] = []): Promise<{ url: string; port: number; client: Redis; stop(): Promise<void> }> {
  const port = await freePort();
  // Its own data directory: an append-only file switched on by a test lands there, not in the worktree.
  const dir = mkdtempSync(join(tmpdir(), 'loupe-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], {
    stdio: 'ignore',
  });
  let client: Redis | undefined;
  for (let attempt = 0; !client; attempt++) {
    const candidate = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    candidate.on('error', () => undefined);
    try {
      await candidate.connect();
      await candidate.ping();
      client = candidate;
    } catch (err) {
      candidate.disconnect();
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const connected = client;
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    client: connected,
    async stop() {
      connected.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // A Redis busy rewriting its append-only file may take its time: do not wait for it.
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
