import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '..');

/**
 * `@loupe/*` aliases for Vite and Vitest, read from tsconfig.base.json so there is one source of truth.
 * Longest first: Vite also takes an alias as a prefix (`@loupe/server-core` would catch
 * `@loupe/server-core/config`), where TypeScript matches each of these names exactly.
 */
export function workspaceAliases(): Record<string, string> {
  const base = JSON.parse(readFileSync(resolve(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(base.compilerOptions.paths)
      .sort(([a], [b]) => b.length - a.length)
      .map(([name, [target]]) => [name, resolve(workspaceRoot, target)]),
  );
}
