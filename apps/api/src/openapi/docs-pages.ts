import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './openapi-document';

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs/openapi.json';
export const REFERENCE_PATH = '/docs/reference';
export const ASSETS_PATH = '/docs/assets';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The interactive docs: Swagger UI, served from this server (swagger-ui-dist), reading
 * the live document. No inline script, so a strict Content-Security-Policy in front of
 * Loupe does not break it.
 */
export function swaggerUiPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Loupe Ads API — interactive docs</title>
  <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <p style="font-family: sans-serif; margin: 12px 20px;">
    Loupe speaks the Pinterest Ads API v5. Download <a href="${OPENAPI_JSON_PATH}">openapi.json</a>
    or read the <a href="${REFERENCE_PATH}">plain HTML reference</a>.
    Use <strong>Authorize</strong> with a token from <code>POST /v5/auth/login</code> to try calls.
  </p>
  <div id="swagger-ui"></div>
  <noscript><p><a href="${REFERENCE_PATH}">This page needs JavaScript; the plain HTML reference does not.</a></p></noscript>
  <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${ASSETS_PATH}/docs-init.js"></script>
</body>
</html>
`;
}

/** Starts Swagger UI on the live document (served as /docs/assets/docs-init.js). */
export function swaggerInitScript(): string {
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_JSON_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayOperationId: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;
}

/** A schema's shape in one short line of text: `string`, `integer ≥ 0`, `"A" | "B"`, `array of …`. */
export function schemaSummary(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || depth > 3) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) {
    const values = (schema.enum as unknown[]).map((v) => JSON.stringify(v));
    // Long enums (countries, currencies) would drown the table; openapi.json has them all.
    return values.length > 12 ? `${values.slice(0, 8).join(' | ')} | … (${values.length} values)` : values.join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map((s) => schemaSummary(s, depth + 1)).join(' | ');
  const type = schema.type as string | undefined;
  if (type === 'array') return `array of ${schemaSummary(schema.items as JsonSchema | undefined, depth + 1)}`;
  if (type === 'object' || schema.properties) return 'object';
  const bounds = [
    schema.minimum !== undefined ? `≥ ${String(schema.minimum)}` : '',
    schema.maximum !== undefined ? `≤ ${String(schema.maximum)}` : '',
    schema.maxLength !== undefined ? `max ${String(schema.maxLength)} chars` : '',
    schema.pattern !== undefined ? `matching ${String(schema.pattern)}` : '',
  ].filter(Boolean);
  return [type ?? 'any', ...bounds].join(' ');
}

/** One row per property, nested objects and array items flattened with dotted names. */
function propertyRows(schema: JsonSchema | undefined, prefix = '', depth = 0): string[] {
  if (!schema || depth > 4) return [];
  if (schema.type === 'array' && schema.items) return propertyRows(schema.items as JsonSchema, `${prefix}[]`, depth + 1);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return prefix === '' ? [`<tr><td><em>body</em></td><td>${escapeHtml(schemaSummary(schema))}</td><td></td></tr>`] : [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const full = prefix ? `${prefix}.${name}` : name;
    rows.push(`<tr><td><code>${escapeHtml(full)}</code></td><td>${escapeHtml(schemaSummary(prop))}</td><td>${required.has(name) ? 'required' : ''}</td></tr>`);
    const inner = prop.type === 'array' ? (prop.items as JsonSchema | undefined) : prop;
    if (inner?.properties) rows.push(...propertyRows(prop, full, depth + 1));
  }
  return rows;
}

function table(head: string[], rows: string[]): string {
  if (rows.length === 0) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operationHtml(method: string, path: string, op: OpenApiOperation): string {
  const anchor = op.operationId.replace(/[^A-Za-z0-9_-]/g, '-');
  const badges = [
    `<span class="badge">${escapeHtml(op['x-loupe-permission'] ? `${op['x-loupe-permission']} (${(op['x-loupe-roles'] ?? []).join(', ')})` : op['x-loupe-access'])}</span>`,
    op['x-ratelimit-category'] ? `<span class="badge">rate: ${escapeHtml(op['x-ratelimit-category'])}</span>` : '',
    op['x-loupe-extension'] ? '<span class="badge ext">Loupe extension</span>' : '',
  ].join(' ');
  const params = table(
    ['parameter', 'in', 'type', ''],
    op.parameters.map(
      (p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${escapeHtml(schemaSummary(p.schema))}</td><td>${p.required ? 'required' : ''}</td></tr>`,
    ),
  );
  const body = op.requestBody ? propertyRows(op.requestBody.content['application/json'].schema) : [];
  const responses = Object.entries(op.responses).map(([status, response]) => {
    if ('$ref' in response) return `<li><code>${status}</code> <code>{code, message}</code></li>`;
    const schema = response.content?.['application/json']?.schema;
    const fields = schema ? propertyRows(schema) : [];
    return `<li><code>${status}</code> ${escapeHtml(response.description)}${table(['field', 'type', ''], fields)}</li>`;
  });
  return `<section id="${anchor}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)} ${badges}</p>
${op.description ? `<p class="desc">${escapeHtml(op.description)}</p>` : ''}
${params}
${body.length > 0 ? `<h4>Request body</h4>${table(['field', 'type', ''], body)}` : ''}
<h4>Responses</h4><ul>${responses.join('')}</ul>
</section>`;
}

/**
 * A readable reference of every operation rendered on the server from the document:
 * works without JavaScript, prints well, and is what `curl /docs/reference` shows.
 */
export function referencePage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(operationHtml(method, path, op));
      const anchor = op.operationId.replace(/[^A-Za-z0-9_-]/g, '-');
      (toc.get(tag) ?? toc.set(tag, []).get(tag)!).push(
        `<li><a href="#${anchor}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> ${escapeHtml(op.summary)}</li>`,
      );
    }
  }
  const tags = [...byTag.keys()].sort();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} — reference</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #1f2328; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.5rem 0; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
section { border-top: 1px solid #d0d7de; padding: 0.5rem 0 1rem; }
.method { display: inline-block; min-width: 4.5em; font-weight: 700; }
.badge { display: inline-block; font-size: 0.8em; padding: 1px 6px; border-radius: 10px; background: #eaeef2; }
.badge.ext { background: #fff1c2; }
.desc { white-space: pre-line; color: #57606a; }
</style>
</head>
<body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="${OPENAPI_JSON_PATH}">openapi.json</a> · Interactive: <a href="${DOCS_PATH}">${DOCS_PATH}</a>.
Errors always have the body <code>{"code": n, "message": "..."}</code>.</p>
<h2>Contents</h2>
${tags.map((tag) => `<h3>${escapeHtml(tag)}</h3><ul>${toc.get(tag)!.join('')}</ul>`).join('\n')}
${tags.map((tag) => `<h2>${escapeHtml(tag)}</h2>\n${byTag.get(tag)!.join('\n')}`).join('\n')}
</body>
</html>
`;
}
