import { errorBodySchema } from '@loupe/contracts';
import type request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listRoutes, routeKey, type CatalogRoute } from '../src/openapi/route-catalog';
import { buildWorld, fillPath, sampleBody, snapshot, unfixturedRoutes, type World } from './support/route-fixtures';
import { useTestApp } from './support/test-app';

/**
 * Hostile bodies against EVERY write route of the router (read from Nest's metadata):
 * malformed JSON, wrong top-level types, wrong field types, 100k-character strings,
 * negative money, unknown fields, unknown enum values and bodies over 1 MiB. Each must
 * be a 4xx `{code, message}` — never a 5xx, never a success — and nothing of the
 * account may change. Bulk routes may answer 200 when every item failed on its own.
 */

type Json = Record<string, unknown>;
interface Mutation {
  name: string;
  body: unknown;
}

const HUGE = 'x'.repeat(100_000);
const MONEY = /micro_currency|_micros?$|spend_cap|budget|(^|_)bid($|_)/;

function typeOf(schema: Json): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  const concrete = variants?.find((v) => v.type !== 'null');
  return concrete ? typeOf(concrete) : Array.isArray(schema.enum) ? 'enum' : undefined;
}
function enumOf(schema: Json): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  return variants?.map(enumOf).find((e) => e !== undefined);
}
function wrongTypeFor(type: string | undefined): unknown {
  switch (type) {
    case 'string':
    case 'enum':
      return 12345;
    case 'integer':
    case 'number':
      return 'twelve';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not-a-list';
    case 'object':
      return 'not-an-object';
    default:
      return undefined;
  }
}

function setAt(target: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(target);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof path[path.indexOf(key) + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return copy;
}

/** Field-level mutations of a valid base object, walking its JSON Schema (nested objects and first array items too). */
function fieldMutations(schema: Json, base: unknown, path: (string | number)[] = [], depth = 0): Mutation[] {
  if (depth > 3) return [];
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  const concrete = variants?.find((v) => v.type === 'object' || v.type === 'array') ?? schema;
  const out: Mutation[] = [];
  if (concrete.type === 'array' && concrete.items) {
    return fieldMutations(concrete.items as Json, base, [...path, 0], depth + 1);
  }
  const properties = concrete.properties as Record<string, Json> | undefined;
  if (!properties) return out;
  out.push({ name: `unknown field at ${[...path, '__unknown_field__'].join('.')}`, body: setAt(base, [...path, '__unknown_field__'], 1) });
  for (const [name, prop] of Object.entries(properties)) {
    const at = [...path, name];
    const label = at.join('.');
    const type = typeOf(prop);
    const wrong = wrongTypeFor(type);
    if (wrong !== undefined) out.push({ name: `wrong type for ${label}`, body: setAt(base, at, wrong) });
    if (type === 'string' && !enumOf(prop)) out.push({ name: `100k-character ${label}`, body: setAt(base, at, HUGE) });
    if (enumOf(prop)) out.push({ name: `unknown enum value for ${label}`, body: setAt(base, at, 'NOT_A_REAL_VALUE') });
    if ((type === 'integer' || type === 'number') && MONEY.test(name)) out.push({ name: `negative money ${label}`, body: setAt(base, at, -1) });
    if (type === 'array') out.push({ name: `array of wrong items for ${label}`, body: setAt(base, at, [{ nested: [HUGE] }, 12, null]) });
    if (type === 'object' || type === 'array') out.push(...fieldMutations(prop, base, at, depth + 1));
  }
  return out;
}

describe('bad input on every write route: 4xx {code, message}, never 5xx, nothing stored', () => {
  const api = useTestApp();
  let routes: CatalogRoute[];
  let writeRoutes: CatalogRoute[];
  let world: World;

  const send = (route: CatalogRoute, body: string, contentType = 'application/json') => {
    const method = route.method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete';
    const req = api.http()[method](fillPath(route, world.ids)).set('Content-Type', contentType);
    if (route.contract?.access.kind !== 'public') void req.set('Authorization', world.owner.auth);
    return req.send(body);
  };

  /** A 4xx {code, message}; or, on a bulk route, a 200 in which every item failed on its own. */
  function verdict(route: CatalogRoute, res: request.Response): string | null {
    if (res.status >= 400 && res.status < 500) {
      return errorBodySchema.safeParse(res.body).success ? null : `4xx without {code, message}: ${JSON.stringify(res.body).slice(0, 200)}`;
    }
    if (route.contract?.bulkItem && res.status === 200) {
      const items = (res.body as { items?: { data: unknown; exceptions: unknown[] }[] }).items ?? [];
      return items.length > 0 && items.every((i) => i.data === undefined && i.exceptions.length > 0) ? null : `bulk 200 with a successful item: ${JSON.stringify(res.body).slice(0, 300)}`;
    }
    return `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  }

  beforeAll(async () => {
    routes = listRoutes(api.app);
    writeRoutes = routes.filter((r) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method) && (r.contract?.body || r.contract?.bulkItem));
    world = await buildWorld(api.app, routes);
  }, 120_000);

  it('has fixtures for every write route and covers them all', () => {
    expect(unfixturedRoutes(writeRoutes, world.ids)).toEqual([]);
    expect(writeRoutes.length).toBeGreaterThanOrEqual(6);
    console.info(`bad-input covers ${writeRoutes.length} write routes:\n  ${writeRoutes.map(routeKey).join('\n  ')}`);
  });

  it('rejects malformed JSON, wrong top-level types, wrong content type and bodies over 1 MiB', async () => {
    const before = await snapshot(api.app, routes, world);
    const wrong: string[] = [];
    for (const route of writeRoutes) {
      const isBulk = !!route.contract?.bulkItem;
      const cases: [string, string, string?][] = [
        ['malformed JSON', '{"name": "x",'],
        ['truncated JSON', '['],
        ['JSON null', 'null'],
        ['a string', '"hello"'],
        ['a number', '42'],
        [isBulk ? 'an object instead of a list' : 'a list instead of an object', isBulk ? '{"name": "x"}' : '[{"name": "x"}]'],
        ['an empty body', ''],
        ['text/plain', 'name=x', 'text/plain'],
        ['over 1 MiB', JSON.stringify(isBulk ? [{ name: 'x'.repeat(1_100_000) }] : { name: 'x'.repeat(1_100_000) })],
      ];
      if (isBulk) cases.push(['31 items (over the bulk maximum)', JSON.stringify(Array.from({ length: 31 }, () => sampleBody(route, world.ids)).flat())]);
      for (const [name, body, contentType] of cases) {
        const res = await send(route, body, contentType);
        const problem = verdict(route, res);
        if (problem) wrong.push(`${routeKey(route)} ${name}: ${problem}`);
        if (name === 'over 1 MiB' && (res.status !== 413 || res.body.code !== 10)) wrong.push(`${routeKey(route)} over 1 MiB: expected 413 code 10, got ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(api.app, routes, world)).toEqual(before);
  });

  it('rejects wrong field types, huge strings, negative money, unknown fields and unknown enum values', async () => {
    const before = await snapshot(api.app, routes, world);
    const wrong: string[] = [];
    let sent = 0;
    for (const route of writeRoutes) {
      const contract = route.contract!;
      const isBulk = !!contract.bulkItem;
      const schema = z.toJSONSchema((contract.bulkItem ?? contract.body)!, { io: 'input', unrepresentable: 'any' }) as Json;
      const sample = sampleBody(route, world.ids);
      const base = isBulk ? (sample as unknown[])[0] : sample;
      const mutations = fieldMutations(schema, base);
      expect(mutations.length, `${routeKey(route)} has no field to mutate`).toBeGreaterThan(0);
      for (const mutation of mutations) {
        sent++;
        const res = await send(route, JSON.stringify(isBulk ? [mutation.body] : mutation.body));
        const problem = verdict(route, res);
        if (problem) wrong.push(`${routeKey(route)} ${mutation.name}: ${problem}`);
      }
    }
    console.info(`bad-input sent ${sent} field-level mutations`);
    expect(wrong).toEqual([]);
    expect(await snapshot(api.app, routes, world)).toEqual(before);
  });

  it('rejects negative money in every money field the catalog knows (budget, bid, spend caps)', async () => {
    const before = await snapshot(api.app, routes, world);
    const wrong: string[] = [];
    for (const route of writeRoutes) {
      const contract = route.contract!;
      const schema = z.toJSONSchema((contract.bulkItem ?? contract.body)!, { io: 'input', unrepresentable: 'any' }) as Json;
      const money = Object.keys((schema.properties ?? {}) as Json).filter((k) => MONEY.test(k));
      for (const field of money) {
        for (const value of [-1, -1_000_000, 0.5, 1e20]) {
          const sample = sampleBody(route, world.ids);
          const base = contract.bulkItem ? (sample as unknown[])[0] : sample;
          const body = setAt(base, [field], value);
          const res = await send(route, JSON.stringify(contract.bulkItem ? [body] : body));
          const problem = verdict(route, res);
          if (problem) wrong.push(`${routeKey(route)} ${field}=${value}: ${problem}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(api.app, routes, world)).toEqual(before);
  });
});
