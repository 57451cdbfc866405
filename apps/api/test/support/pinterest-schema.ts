import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates response bodies against Pinterest's published OpenAPI 3 component schemas
 * (vendored under libs/contracts/pinterest-api-v5, MIT). A Loupe response must be a
 * valid Pinterest object: extra Loupe fields are allowed only where Pinterest's schema
 * allows additional properties (it does not forbid them anywhere we use).
 */
const SPEC_PATH = resolve(__dirname, '../../../../libs/contracts/pinterest-api-v5/openapi.json');

/**
 * ajv refuses OpenAPI 3.0's `nullable: true` on a node without a `type` ("nullable
 * cannot be used without type"), so components such as `Pin` (its `creative_type` is
 * `{allOf: [...], nullable: true}`) would not compile. Every such node becomes the
 * equivalent `{anyOf: [node without nullable, {type: 'null'}]}`; nothing else is
 * changed or relaxed.
 */
export function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, nullableToJsonSchema(value)]));
  if (entries.nullable === true && entries.type === undefined) {
    const { nullable: _nullable, ...rest } = entries;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return entries;
}

const raw = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { components: unknown };
const spec = { components: nullableToJsonSchema(raw.components) as { schemas: Record<string, unknown> } };

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'pinterest', components: spec.components }, 'pinterest');

const cache = new Map<string, ValidateFunction>();

export function pinterestValidator(component: string): ValidateFunction {
  let fn = cache.get(component);
  if (!fn) {
    if (!(component in spec.components.schemas)) throw new Error(`Pinterest's spec has no component schema ${component}`);
    fn = ajv.compile({ $ref: `pinterest#/components/schemas/${component}` });
    cache.set(component, fn);
  }
  return fn;
}

/** Throws with ajv's errors unless `body` is a valid instance of the named component. */
export function expectPinterest(component: string, body: unknown): void {
  const validate = pinterestValidator(component);
  if (!validate(body)) {
    throw new Error(`Response is not a valid Pinterest ${component}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/** Validates a Pinterest paginated list: `{items: [component], bookmark}`. */
export function expectPinterestPage(component: string, body: unknown): void {
  expectPinterest('Paginated', body);
  for (const item of (body as { items: unknown[] }).items) expectPinterest(component, item);
}
