import { PERMISSIONS } from '../auth/permissions';
import type { CatalogRoute } from './route-catalog';

export const ROUTE_TABLE_BEGIN = '<!-- route-table:begin (generated from the route catalog; see apps/api/test/openapi.e2e-spec.ts) -->';
export const ROUTE_TABLE_END = '<!-- route-table:end -->';

function accessCell(route: CatalogRoute): string {
  const access = route.contract?.access;
  if (!access) return '**no contract**';
  switch (access.kind) {
    case 'public':
      return 'public';
    case 'user':
      return 'signed in';
    case 'service':
      return 'service';
    case 'ad_account':
      return `\`${access.permission}\` (${PERMISSIONS[access.permission].join(', ')})`;
  }
}

/**
 * The Markdown table of every route for docs/api.md, one row per method and path,
 * in catalog order. The docs test keeps the file's copy identical to this, so the
 * route list in the docs cannot fall behind the code.
 */
export function routeTableMarkdown(routes: readonly CatalogRoute[]): string {
  const rows = routes
    .filter((r) => !r.path.includes('*'))
    .map((r) => {
      const c = r.contract;
      const summary = (c?.summary ?? '').replace(/\|/g, '\\|');
      return `| \`${r.method}\` | \`${r.openApiPath}\` | ${summary} | ${accessCell(r)} | ${c?.rate ?? '—'} | ${c?.extension ? 'Loupe' : 'Pinterest'} |`;
    });
  return [
    ROUTE_TABLE_BEGIN,
    '| Method | Path | Summary | Access (roles) | Rate | Origin |',
    '|---|---|---|---|---|---|',
    ...rows,
    ROUTE_TABLE_END,
  ].join('\n');
}
