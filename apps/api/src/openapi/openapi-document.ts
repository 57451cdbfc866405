import { BULK_MAX_ITEMS, errorBodySchema } from '@loupe/contracts';
import { z } from 'zod';
import { PERMISSIONS } from '../auth/permissions';
import type { RouteContract } from '../common/route.decorator';
import type { CatalogRoute } from './route-catalog';

/** A JSON Schema (2020-12) object, as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style?: 'form';
  explode?: boolean;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, { schema: JsonSchema; description: string }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  'x-loupe-extension'?: true;
  'x-loupe-access': 'public' | 'signed_in' | 'ad_account' | 'service';
  'x-loupe-permission'?: string;
  'x-loupe-roles'?: readonly string[];
  'x-ratelimit-category'?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
    responses: Record<string, { description: string; content: { 'application/json': { schema: { $ref: string } } } }>;
  };
}

export const OPENAPI_INFO = {
  title: 'Loupe Ads API',
  version: '5.0.0',
  description:
    'A self-hostable ad platform that speaks the Pinterest Ads API v5: same paths, fields, enums, ' +
    'numeric-string ids, micro-currency money, bookmark pagination and `{code, message}` errors. ' +
    'Operations marked `x-loupe-extension` are Loupe additions that Pinterest does not have.',
};

const BEARER = 'bearerAuth';
/** Pinterest's x-ratelimit-category names for our buckets. */
const RATE_CATEGORY = { read: 'ads_read', write: 'ads_write', auth: 'auth' } as const;

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid parameters: the message names the field (code 1).',
  '401': 'Missing, invalid, expired or revoked access token (code 2).',
  '403': "The caller's role on this ad account does not allow the operation (code 3).",
  '404': 'Not found, including ad accounts and objects the caller has no role on (code 4).',
  '409': 'Conflict with the current state (code 9).',
  '413': 'Request body larger than 1 MiB (code 10).',
  '415': 'Content-Type is not application/json (code 11).',
  '429': 'Rate limit exceeded; see Retry-After (code 8).',
  '500': 'Unexpected error; the message carries a reference for support (code 500).',
};

/**
 * Turns a zod schema into a JSON Schema for the document. `io` picks which side of
 * transforms and defaults is described: `input` for what clients send, `output` for
 * what the API answers. Sub-schemas zod hoists into `$defs` (recursive or shared ones)
 * are moved to components, since in OpenAPI a `#/...` ref resolves from the document
 * root, not from the schema.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', prefix: string, components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  const defs = json.$defs as Record<string, JsonSchema> | undefined;
  if (!defs) return json;
  delete json.$defs;
  const renamed = new Map(Object.keys(defs).map((name) => [name, `${prefix}_${name}`.replace(/[^A-Za-z0-9_.-]/g, '_')]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const target = key === '$ref' && typeof value === 'string' ? /^#\/\$defs\/(.+)$/.exec(value)?.[1] : undefined;
      out[key] = target !== undefined && renamed.has(target) ? `#/components/schemas/${renamed.get(target)}` : rewrite(value);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[renamed.get(name)!] = rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

function objectProperties(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  return {
    properties: (schema.properties as Record<string, JsonSchema> | undefined) ?? {},
    required: new Set((schema.required as string[] | undefined) ?? []),
  };
}

const ACCESS_LABEL = { public: 'public', user: 'signed_in', ad_account: 'ad_account', service: 'service' } as const;

function operationId(route: CatalogRoute, taken: Set<string>): string {
  const base = `${route.controller.replace(/Controller$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}/${route.handler}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function describeAccess(contract: RouteContract): string {
  const { access } = contract;
  if (access.kind === 'public') return 'No authentication.';
  if (access.kind === 'user') return 'Any signed-in caller (bearer token); acts on the caller only.';
  if (access.kind === 'service') return 'Internal service route.';
  return `Requires a role on the ad account with \`${access.permission}\`: ${PERMISSIONS[access.permission].join(', ')}.`;
}

/**
 * The OpenAPI 3.1 document of every contracted route, built from the route catalog
 * and the routes' zod contracts — the same schemas that validate requests, so the
 * document cannot drift from behaviour. Routes whose path Nest expresses with a
 * wildcard (the web app's shell) are not part of the API and are left out.
 */
export function buildOpenApiDocument(routes: readonly CatalogRoute[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  schemas.Error = toSchema(errorBodySchema, 'output', 'Error', schemas);
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const taken = new Set<string>();

  for (const route of routes) {
    const { contract } = route;
    if (!contract || route.path.includes('*') || route.method === 'ALL') continue;
    const id = operationId(route, taken);
    const prefix = id.replace(/\//g, '.');
    tags.add(contract.tag);

    const parameters: OpenApiParameter[] = [];
    const pathSchema = contract.params ? objectProperties(toSchema(contract.params, 'input', `${prefix}.params`, schemas)) : undefined;
    for (const name of route.pathParams) {
      parameters.push({ name, in: 'path', required: true, schema: pathSchema?.properties[name] ?? { type: 'string' } });
    }
    if (contract.query) {
      const query = objectProperties(toSchema(contract.query, 'input', `${prefix}.query`, schemas));
      for (const [name, schema] of Object.entries(query.properties)) {
        const isList = schema.type === 'array';
        parameters.push({
          name,
          in: 'query',
          required: query.required.has(name) && schema.default === undefined,
          schema,
          // Lists are accepted as `a,b` (Pinterest's form) or repeated.
          ...(isList ? { style: 'form' as const, explode: false } : {}),
        });
      }
    }

    const operation: OpenApiOperation = {
      operationId: id,
      summary: contract.summary,
      description: [contract.description, describeAccess(contract)].filter(Boolean).join('\n\n'),
      tags: [contract.tag],
      security: contract.access.kind === 'public' ? [] : [{ [BEARER]: [] }],
      parameters,
      responses: {},
      'x-loupe-access': ACCESS_LABEL[contract.access.kind],
    };
    if (contract.access.kind === 'ad_account') {
      operation['x-loupe-permission'] = contract.access.permission;
      operation['x-loupe-roles'] = PERMISSIONS[contract.access.permission];
    }
    if (contract.rate) operation['x-ratelimit-category'] = RATE_CATEGORY[contract.rate];
    if (contract.extension) operation['x-loupe-extension'] = true;

    const body = contract.bulkItem
      ? { type: 'array', minItems: 1, maxItems: BULK_MAX_ITEMS, items: toSchema(contract.bulkItem, 'input', `${prefix}.item`, schemas) }
      : contract.body
        ? toSchema(contract.body, 'input', `${prefix}.body`, schemas)
        : undefined;
    if (body) operation.requestBody = { required: true, content: { 'application/json': { schema: body } } };

    const success: OpenApiResponse =
      contract.response && route.successStatus !== 204
        ? { description: 'Success', content: { 'application/json': { schema: toSchema(contract.response, 'output', `${prefix}.response`, schemas) } } }
        : { description: 'Success' };
    operation.responses[String(route.successStatus)] = success;
    if (contract.rate) {
      success.headers = {
        'x-ratelimit-limit': { schema: { type: 'integer' }, description: 'Requests allowed per minute in this category.' },
        'x-ratelimit-remaining': { schema: { type: 'integer' }, description: 'Requests left in the current minute.' },
      };
    }

    const errors = new Set<string>(['500']);
    if (contract.params || contract.query || body || route.pathParams.length > 0) errors.add('400');
    if (body) ['413', '415'].forEach((s) => errors.add(s));
    if (contract.access.kind === 'user' || contract.access.kind === 'ad_account') errors.add('401');
    if (contract.access.kind === 'ad_account') ['403', '404'].forEach((s) => errors.add(s));
    if (route.pathParams.length > 0) errors.add('404');
    if (contract.rate) errors.add('429');
    for (const code of [...errors].sort()) operation.responses[code] = { $ref: `#/components/responses/${code}` };

    (paths[route.openApiPath] ??= {})[route.method.toLowerCase()] = operation;
  }

  const responses: OpenApiDocument['components']['responses'] = {};
  for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
    responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }

  return {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    servers: [{ url: '/', description: 'This Loupe server (replace https://api.pinterest.com with its URL)' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          description: 'An access token from POST /v5/auth/login or an API token from POST /v5/auth/tokens.',
        },
      },
      responses,
    },
  };
}
