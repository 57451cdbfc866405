import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorBodySchema } from '@loupe/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiResponse } from '../src/openapi/openapi-document';
import { listRoutes, routeKey, type CatalogRoute } from '../src/openapi/route-catalog';
import { ROUTE_TABLE_BEGIN, ROUTE_TABLE_END, routeTableMarkdown } from '../src/openapi/route-table';
import { signUp, useTestApp } from './support/test-app';

const API_DOCS = resolve(__dirname, '../../../docs/api.md');

describe('OpenAPI document and docs pages', () => {
  const api = useTestApp();
  let routes: CatalogRoute[];
  let doc: OpenApiDocument;
  const apiRoutes = () => routes.filter((r) => !r.path.includes('*') && r.contract);
  const operation = (r: CatalogRoute): OpenApiOperation | undefined => doc.paths[r.openApiPath]?.[r.method.toLowerCase()];

  beforeAll(async () => {
    routes = listRoutes(api.app);
    const res = await api.http().get('/docs/openapi.json').expect(200);
    expect(res.headers['content-type']).toContain('application/json');
    doc = res.body as OpenApiDocument;
  });

  it('is an OpenAPI 3.1 document served without authentication', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Loupe Ads API');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every contracted route of the router, with {param} paths and unique operation ids', () => {
    const missing = apiRoutes().filter((r) => !operation(r)).map(routeKey);
    expect(missing).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(apiRoutes().map((r) => `${r.method} ${r.openApiPath}`).sort());
    expect(Object.keys(doc.paths).every((p) => !p.includes(':'))).toBe(true);
    const ids = documented.map((k) => {
      const [m, p] = k.split(' ');
      return doc.paths[p!]![m!.toLowerCase()]!.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter, summary, tag, security by access rule and rate category', () => {
    for (const r of apiRoutes()) {
      const op = operation(r)!;
      const c = r.contract!;
      expect(op.summary, routeKey(r)).toBe(c.summary);
      expect(op.tags, routeKey(r)).toEqual([c.tag]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), routeKey(r)).toEqual(r.pathParams);
      expect(op.parameters.filter((p) => p.in === 'path').every((p) => p.required)).toBe(true);
      expect(op.security, routeKey(r)).toEqual(c.access.kind === 'public' ? [] : [{ bearerAuth: [] }]);
      if (c.access.kind === 'ad_account') {
        expect(op['x-loupe-permission'], routeKey(r)).toBe(c.access.permission);
        expect(op.responses['403'], routeKey(r)).toBeDefined();
        expect(op.responses['404'], routeKey(r)).toBeDefined();
      }
      if (c.rate) expect(op['x-ratelimit-category'], routeKey(r)).toBe({ read: 'ads_read', write: 'ads_write', auth: 'auth' }[c.rate]);
      expect(op['x-loupe-extension'] === true, routeKey(r)).toBe(c.extension === true);
      expect(op.responses[String(r.successStatus)], routeKey(r)).toBeDefined();
      if (c.body || c.bulkItem) expect(op.requestBody?.content['application/json'].schema, routeKey(r)).toBeDefined();
      if (c.query) expect(op.parameters.some((p) => p.in === 'query'), routeKey(r)).toBe(true);
    }
  });

  it('answers every 4xx/5xx with the shared {code, message} Error schema', () => {
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['code', 'message'] });
    for (const [status, response] of Object.entries(doc.components.responses)) {
      expect(Number(status)).toBeGreaterThanOrEqual(400);
      expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
    for (const r of apiRoutes()) {
      for (const [status, response] of Object.entries(operation(r)!.responses)) {
        if (Number(status) >= 400) expect(response, `${routeKey(r)} ${status}`).toEqual({ $ref: `#/components/responses/${status}` });
      }
    }
  });

  it('contains only JSON Schemas that compile (draft 2020-12) and refs that resolve', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'loupe', components: doc.components }, 'loupe');
    const text = JSON.stringify(doc);
    for (const ref of new Set([...text.matchAll(/"\$ref":"(#[^"]+)"/g)].map((m) => m[1]!))) {
      const target = ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const schemas: JsonSchema[] = [
          ...op.parameters.map((p) => p.schema),
          ...(op.requestBody ? [op.requestBody.content['application/json'].schema] : []),
          ...Object.values(op.responses).flatMap((r) => ('content' in r && r.content ? Object.values(r.content).map((c) => c.schema) : [])),
        ];
        for (const schema of schemas) {
          const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"loupe#/components/')) as JsonSchema;
          expect(() => ajv.compile(rewritten), `${method} ${path}`).not.toThrow();
        }
      }
    }
  });

  it("describes real traffic: bid_floor's documented body accepts a real request and its response schema a real answer", async () => {
    const user = await signUp(api.app);
    const op = doc.paths['/v5/ad_accounts/{ad_account_id}/bid_floor']!.post!;
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const body = { bid_floor_specs: [{ billable_event: 'IMPRESSION', currency: 'USD' }] };
    expect(ajv.validate(op.requestBody!.content['application/json'].schema, body)).toBe(true);
    expect(ajv.validate(op.requestBody!.content['application/json'].schema, { bid_floor_specs: [{ billable_event: 'NOPE' }] })).toBe(false);
    const res = await api.http().post(`/v5/ad_accounts/${user.adAccountId}/bid_floor`).set('Authorization', user.auth).send(body).expect(200);
    const success = op.responses['200'];
    expect(success && 'content' in success).toBe(true);
    expect(ajv.validate((success as OpenApiResponse).content!['application/json']!.schema, res.body)).toBe(true);
    const error = await api.http().post(`/v5/ad_accounts/${user.adAccountId}/bid_floor`).set('Authorization', user.auth).send({});
    expect(ajv.validate(doc.components.schemas.Error, error.body)).toBe(true);
  });

  it('serves interactive docs from this server only: Swagger UI page, its assets and the init script', async () => {
    const page = await api.http().get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('id="swagger-ui"');
    expect(page.text).not.toMatch(/(src|href)="https?:/);
    const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/docs-init.js']));
    for (const asset of assets) {
      const res = await api.http().get(asset).buffer(true).expect(200);
      expect(res.headers['content-type'], asset).toMatch(/^(text\/css|application\/javascript|image\/png)/);
    }
    const init = await api.http().get('/docs/assets/docs-init.js').expect(200);
    expect(init.text).toContain('"/docs/openapi.json"');
  });

  it('refuses any other file name under /docs/assets with 404 {code, message} (no path traversal)', async () => {
    for (const name of ['package.json', '..%2F..%2Fpackage.json', 'swagger-ui.js.map', 'index.html']) {
      const res = await api.http().get(`/docs/assets/${name}`);
      expect(res.status, name).toBe(404);
      expect(errorBodySchema.safeParse(res.body).success, name).toBe(true);
    }
  });

  it('renders a plain HTML reference of every operation on the server', async () => {
    const res = await api.http().get('/docs/reference').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const r of apiRoutes()) expect(res.text, routeKey(r)).toContain(`<code>${r.method} ${r.openApiPath.replace(/&/g, '&amp;')}</code>`);
    expect(res.text).not.toContain('<script');
  });

  it('docs/api.md lists exactly the routes of the catalog (UPDATE_API_DOCS=1 regenerates the table)', () => {
    const text = readFileSync(API_DOCS, 'utf8');
    const begin = text.indexOf(ROUTE_TABLE_BEGIN);
    const end = text.indexOf(ROUTE_TABLE_END);
    expect(begin, 'docs/api.md needs the route-table markers').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(begin);
    const current = text.slice(begin, end + ROUTE_TABLE_END.length);
    const generated = routeTableMarkdown(routes);
    if (process.env.UPDATE_API_DOCS === '1' && current !== generated) {
      writeFileSync(API_DOCS, text.slice(0, begin) + generated + text.slice(end + ROUTE_TABLE_END.length));
      return;
    }
    expect(current, 'docs/api.md is out of date: run UPDATE_API_DOCS=1 npx vitest run --config scripts/vitest.config.mts --project api test/openapi.e2e-spec.ts').toBe(generated);
  });
});
