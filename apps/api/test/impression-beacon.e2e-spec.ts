import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@loupe/contracts';
import { LOUPE_CONFIG, REDIS, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { RawRoutes } from '../src/common/raw-routes';
import { TRANSPARENT_GIF } from '../src/tracking/tracking.controller';
import { signEvent, type SignedEvent } from '../src/tracking/signed-event';
import { useTestApp } from './support/test-app';
import { BROWSER_UA, eventsQueue, freshLoopbackIp, hit, queuedEvents, removeQueuedJobs, signedEvent, type RawResponse } from './support/tracking';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Headers that belong to the connection, not to the answer (light-my-request has no socket). */
const CONNECTION_HEADERS = new Set(['date', 'connection', 'keep-alive']);

/**
 * The impression beacon as the Node server answers it: `RawRoutes` takes GET/HEAD
 * /t/i/<token> off the server before Fastify (docs/tracking.md "Durable acknowledgment"),
 * so these tests go over real HTTP to a listening app and check that the answer keeps
 * the contract Fastify's route gave, that it is what `app.inject` (the Fastify route)
 * answers, and that only the requests Fastify would route unchanged are taken.
 */
describe('the impression beacon off the Node server', () => {
  const api = useTestApp();
  let config: LoupeConfig;
  let redis: Redis;
  let queue: Queue;
  let dispatch: MockInstance<(req: IncomingMessage, res: ServerResponse) => boolean>;
  /** Every token of this file names this ad account, so its queued jobs can be found and removed. */
  const account = `raw-${Date.now()}`;

  const token = (fields: Partial<SignedEvent> = {}) => {
    const event = signedEvent({ adAccountId: account, billableEvent: 'CLICKTHROUGH', ...fields });
    return { event, token: signEvent(event, config.tracking.secret) };
  };
  const eventsOf = (auctionId: string) => queuedEvents(queue, (e) => e.auction_id === auctionId);
  /** Whether each request since the last call was answered off the server (true) or went on to Fastify (false). */
  const takenOff = () => {
    const taken = dispatch.mock.results.map((r) => r.value as boolean);
    dispatch.mockClear();
    return taken;
  };
  const answerHeaders = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_HEADERS.has(name)));
  const names = (res: RawResponse) => res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

  beforeAll(async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    config = api.app.get<LoupeConfig>(LOUPE_CONFIG);
    redis = api.app.get<Redis>(REDIS);
    queue = eventsQueue(config);
    dispatch = vi.spyOn(api.app.get(RawRoutes) as unknown as { dispatch(req: IncomingMessage, res: ServerResponse): boolean }, 'dispatch');
  });
  afterEach(() => {
    dispatch.mockClear();
  });
  afterAll(async () => {
    dispatch?.mockRestore();
    await removeQueuedJobs(queue, (e) => e.ad_account_id === account);
    await queue.close();
  });

  it('answers 200 image/gif, no-store, the correlation id, and records the impression; a query string is tolerated', async () => {
    const { event, token: t } = token({ slot: 3 });
    const res = await hit(api.app, 'GET', `/t/i/${t}?cb=123&x`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), headers: { 'x-request-id': 'beacon-trace-1' } });
    expect(takenOff()).toEqual([true]);
    expect(res.status).toBe(200);
    // The headers, in the order Fastify's route sent them.
    expect(names(res)).toEqual(['x-request-id', 'cache-control', 'content-type', 'content-length', 'date', 'connection', 'keep-alive']);
    expect(res.headers).toMatchObject({ 'x-request-id': 'beacon-trace-1', 'cache-control': 'no-store', 'content-type': 'image/gif', 'content-length': String(TRANSPARENT_GIF.length) });
    expect(res.body.equals(TRANSPARENT_GIF)).toBe(true);
    const queued = await eventsOf(event.auctionId);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ event_id: `i:${event.auctionId}:3`, event_type: 'IMPRESSION', ivt: false, ad_account_id: account });
  });

  it('makes a fresh correlation id when none or an unusable one is given', async () => {
    const plain = await hit(api.app, 'GET', `/t/i/${token().token}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
    const odd = await hit(api.app, 'GET', `/t/i/${token().token}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), headers: { 'x-request-id': 'not a token!' } });
    const failed = await hit(api.app, 'GET', '/t/i/garbage', { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
    expect(takenOff()).toEqual([true, true, true]);
    for (const res of [plain, odd, failed]) expect(res.headers['x-request-id']).toMatch(UUID);
    expect(new Set([plain, odd, failed].map((r) => r.headers['x-request-id'])).size).toBe(3);
  });

  it('HEAD checks the token and answers the same headers without a body, recording nothing', async () => {
    const { event, token: t } = token();
    const res = await hit(api.app, 'HEAD', `/t/i/${t}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), headers: { 'x-request-id': 'head-1' } });
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['x-request-id', 'cache-control', 'content-type', 'content-length', 'date', 'connection', 'keep-alive']);
    expect(res.headers).toMatchObject({ 'x-request-id': 'head-1', 'cache-control': 'no-store', 'content-type': 'image/gif', 'content-length': String(TRANSPARENT_GIF.length) });
    expect(res.body.length).toBe(0);
    const bad = await hit(api.app, 'HEAD', `/t/i/${t.slice(0, -4)}AAAA`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(takenOff()).toEqual([true, true]);
    expect(await eventsOf(event.auctionId)).toEqual([]);
    expect(await redis.exists(`loupe:trk:imp:${event.auctionId}:${event.slot}`)).toBe(0);
    // The same URL still records its impression when it is fetched.
    expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() })).status).toBe(200);
    expect(await eventsOf(event.auctionId)).toHaveLength(1);
  });

  it.each([
    ['forged (signed with another key)', () => signEvent(signedEvent({ adAccountId: account }), 'another-secret-another-secret-0123'), 'Invalid tracking URL.'],
    ['expired', () => token({ issuedAt: Math.floor(Date.now() / 1000) - config.tracking.ttlSeconds - 5 }).token, 'This tracking URL has expired.'],
    ['issued in the future', () => token({ issuedAt: Math.floor(Date.now() / 1000) + 600 }).token, 'This tracking URL is not valid yet.'],
    ['garbage', () => 'v1.garbage', 'Invalid tracking URL.'],
    ['empty', () => '', 'Invalid parameters. token: is required'],
  ])('a %s token answers 400 {code, message} as JSON with the correlation id, recording nothing', async (_name, make, message) => {
    const t = make();
    const res = await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), headers: { 'x-request-id': 'bad-1' } });
    expect(takenOff()).toEqual([true]);
    expect(res.status).toBe(400);
    expect(names(res)).toEqual(['x-request-id', 'content-type', 'content-length', 'date', 'connection', 'keep-alive']);
    expect(res.headers).toMatchObject({ 'x-request-id': 'bad-1', 'content-type': 'application/json; charset=utf-8' });
    expect(res.headers['cache-control']).toBeUndefined();
    expect(res.json()).toEqual({ code: ErrorCode.InvalidParameters, message });
    expect(await queuedEvents(queue, (e) => e.ad_account_id === account && t.includes(e.auction_id))).toEqual([]);
  });

  it('answers over HTTP exactly what the Fastify route answers through app.inject', async () => {
    const cases: [method: 'GET' | 'HEAD', path: () => string][] = [
      ['GET', () => `/t/i/${token().token}`],
      ['GET', () => `/t/i/${token().token}?utm=1`],
      ['HEAD', () => `/t/i/${token().token}`],
      ['GET', () => '/t/i/garbage'],
      ['HEAD', () => '/t/i/garbage'],
      ['GET', () => `/t/i/${token({ issuedAt: 1_000_000 }).token}`],
      ['GET', () => '/t/i/'],
    ];
    for (const [method, path] of cases) {
      const headers = { 'user-agent': BROWSER_UA, 'x-request-id': 'same-1' };
      const http = await hit(api.app, method, path(), { userAgent: BROWSER_UA, ip: freshLoopbackIp(), headers });
      const injected = await api.app.inject({ method, url: path(), headers });
      expect(takenOff()).toEqual([true]);
      expect({ method, status: http.status, headers: answerHeaders(http.headers), body: http.body.toString('base64') }).toEqual({
        method,
        status: injected.statusCode,
        headers: answerHeaders(injected.headers),
        body: injected.rawPayload.toString('base64'),
      });
    }
  });

  it('leaves to Fastify what its router would not hand to the route as is: its answers stay', async () => {
    const ip = freshLoopbackIp();
    const tooLong = await hit(api.app, 'GET', `/t/i/${'a'.repeat(4097)}`, { userAgent: BROWSER_UA, ip });
    expect(tooLong.status).toBe(414);
    const longest = await hit(api.app, 'GET', `/t/i/${'a'.repeat(4096)}`, { userAgent: BROWSER_UA, ip });
    expect(longest.status).toBe(400);
    const encoded = await hit(api.app, 'GET', '/t/i/v1%2Ea%2Eb', { userAgent: BROWSER_UA, ip, headers: { 'x-request-id': 'enc-1' } });
    expect([encoded.status, encoded.headers['x-request-id'], encoded.json()]).toEqual([400, 'enc-1', { code: ErrorCode.InvalidParameters, message: 'Invalid tracking URL.' }]);
    const deeper = await hit(api.app, 'GET', '/t/i/a/b', { userAgent: BROWSER_UA, ip });
    expect(deeper.status).toBe(404);
    const post = await hit(api.app, 'POST', `/t/i/${token().token}`, { userAgent: BROWSER_UA, ip, body: {} });
    expect(post.status).toBe(404);
    expect(takenOff()).toEqual([false, true, false, false, false]);
  });
});
