import { seededRandom } from '@loupe/auction';
import { serveBodySchema } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { fastServeBody, parseServeBody } from './serve-body';

const typical = {
  placement: 'SEARCH',
  slots: 3,
  user: { id: ' user-1 ', interests: ['home_decor', ' recipes'], keywords: 'linen sofa', location: 'US-CA', gender: 'female', age_bucket: '25-34', device: 'iphone', locale: 'en-US' },
};

/** Values near every limit and of every wrong type, for random bodies. */
function randomValue(next: () => number): unknown {
  const choices: (() => unknown)[] = [
    () => 'x'.repeat(Math.floor(next() * 140)),
    () => `  ${'y'.repeat(Math.floor(next() * 20))}  `,
    () => '',
    () => '   ',
    () => Math.floor(next() * 14) - 2,
    () => next() * 10,
    () => null,
    () => true,
    () => [],
    () => ({}),
    () => Array.from({ length: Math.floor(next() * 3) }, () => randomValue(next)),
    () => Array.from({ length: 95 + Math.floor(next() * 10) }, () => 'a'),
  ];
  return choices[Math.floor(next() * choices.length)]!();
}

function randomBody(next: () => number): unknown {
  const user: Record<string, unknown> = { id: next() < 0.8 ? `u${Math.floor(next() * 100)}` : randomValue(next) };
  for (const key of ['interests', 'keywords', 'query', 'location', 'age_bucket', 'gender', 'device', 'app_type', 'locale', 'price', '__proto__']) {
    if (next() < 0.25) user[key] = randomValue(next);
  }
  const body: Record<string, unknown> = {
    placement: next() < 0.8 ? ['BROWSE', 'SEARCH', 'OTHER'][Math.floor(next() * 3)] : randomValue(next),
    user: next() < 0.9 ? user : randomValue(next),
  };
  if (next() < 0.7) body.slots = next() < 0.7 ? 1 + Math.floor(next() * 10) : randomValue(next);
  if (next() < 0.05) body.extra = 1;
  // Through JSON, as bodies arrive (a "__proto__" key becomes an own property).
  return JSON.parse(JSON.stringify(body).replace('"price"', next() < 0.5 ? '"__proto__"' : '"price"'));
}

describe('parseServeBody', () => {
  it('takes the fast path for a typical body and returns what the schema returns', () => {
    const fast = fastServeBody(typical);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(serveBodySchema.parse(typical));
    expect(fastServeBody({ placement: 'BROWSE', user: { id: 'u' } })).toEqual({ placement: 'BROWSE', slots: 1, user: { id: 'u', interests: [] } });
  });

  it('never accepts what the schema refuses, and returns the same as the schema when it accepts (random bodies)', () => {
    const next = seededRandom(11);
    let fastAccepted = 0;
    let schemaAccepted = 0;
    for (let i = 0; i < 5000; i++) {
      const body = randomBody(next);
      const fast = fastServeBody(body);
      const parsed = serveBodySchema.safeParse(body);
      if (parsed.success) schemaAccepted++;
      if (fast === null) continue;
      fastAccepted++;
      expect(parsed.success, JSON.stringify(body)).toBe(true);
      expect(fast).toEqual(parsed.data);
    }
    // The comparison saw both outcomes, and the fast path took most valid bodies.
    expect(schemaAccepted).toBeGreaterThan(100);
    expect(fastAccepted).toBeGreaterThan(schemaAccepted * 0.9);
  });

  it('leaves invalid bodies to the schema, which names the field', () => {
    expect(() => parseServeBody({ placement: 'BROWSE', slots: 11, user: { id: 'u' } })).toThrow(/slots/);
    expect(() => parseServeBody({ placement: 'BROWSE', user: { id: 'u', price: 1 } })).toThrow();
    expect(() => parseServeBody(JSON.parse('{"placement":"BROWSE","user":{"id":"u","__proto__":{"x":1}}}'))).toThrow();
  });
});
