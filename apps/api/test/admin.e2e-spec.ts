import type { DeadLetterJob, DeadLettersResponse } from '@loupe/contracts';
import { QUEUES, bullConnection, loadConfig, testEnv } from '@loupe/server-core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app';

const PREFIX = `{loupe-test-admin-${process.pid}}`;
const config = loadConfig(testEnv({ QUEUE_PREFIX: PREFIX }));
const SERVICE_KEY = config.serving.serviceKey;
const basic = (password: string): string => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

function letter(n: number): DeadLetterJob {
  return {
    stage: 'validation',
    reason: `invalid event: event_type: bad value ${n}`,
    source_job_id: String(100 + n),
    event_id: `bad:${n}`,
    payload: { event_id: `bad:${n}`, event_type: 'TELEPORT' },
    failed_at_ms: 1_790_000_000_000 + n,
  };
}

describe('admin: dead letters and the queue dashboard', () => {
  const api = useTestApp({ QUEUE_PREFIX: PREFIX });
  let deadLetters: Queue<DeadLetterJob>;

  beforeAll(async () => {
    deadLetters = new Queue<DeadLetterJob>(QUEUES.eventsDeadLetter, { connection: bullConnection(config), prefix: PREFIX });
    for (const n of [1, 2, 3]) await deadLetters.add('validation', letter(n), { jobId: `dl-validation-${n}` });
  });

  afterAll(async () => {
    await deadLetters.obliterate({ force: true });
    await deadLetters.close();
  });

  it('lists dead letters newest first with their reason and payload, page by page', async () => {
    const first = await api.http().get('/internal/admin/dead_letters?page_size=2').set('authorization', `Bearer ${SERVICE_KEY}`).expect(200);
    const page1 = first.body as DeadLettersResponse;
    expect(page1.total).toBe(3);
    expect(page1.items.map((i) => i.event_id)).toEqual(['bad:3', 'bad:2']);
    expect(page1.items[0]).toEqual({ id: 'dl-validation-3', ...letter(3) });
    expect(page1.bookmark).toBe('2');

    const second = await api.http().get(`/internal/admin/dead_letters?page_size=2&bookmark=${page1.bookmark}`).set('authorization', `Bearer ${SERVICE_KEY}`).expect(200);
    expect((second.body as DeadLettersResponse).items.map((i) => i.event_id)).toEqual(['bad:1']);
    expect((second.body as DeadLettersResponse).bookmark).toBeNull();
  });

  it('answers a bad page size with a Pinterest error, not a 500', async () => {
    const res = await api.http().get('/internal/admin/dead_letters?page_size=0').set('authorization', `Bearer ${SERVICE_KEY}`).expect(400);
    expect(res.body).toMatchObject({ code: expect.any(Number), message: expect.stringMatching(/page_size/) });
  });

  it('refuses the queue dashboard without the service key as basic-auth password', async () => {
    const none = await api.http().get('/internal/queues').expect(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    await api.http().get('/internal/queues').set('authorization', basic('wrong-password-123')).expect(401);
    await api.http().get('/internal/queues/api/queues').set('authorization', basic('wrong-password-123')).expect(401);
  });

  it('serves the queue dashboard and its API, showing the pipeline queues, to an operator with the key', async () => {
    const page = await api.http().get('/internal/queues').set('authorization', basic(SERVICE_KEY)).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const queues = await api.http().get('/internal/queues/api/queues').set('authorization', basic(SERVICE_KEY)).expect(200);
    const names = (queues.body as { queues: { name: string; counts: Record<string, number> }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining([QUEUES.events, QUEUES.eventsDeadLetter, QUEUES.rollups]));
    const dl = (queues.body as { queues: { name: string; counts: Record<string, number> }[] }).queues.find((q) => q.name === QUEUES.eventsDeadLetter);
    expect(dl?.counts['waiting']).toBe(3);
  });
});
