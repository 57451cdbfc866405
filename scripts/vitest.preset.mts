/**
 * Shared Vitest settings for every project. Each project's vitest.config.mts calls
 * `loupeProject(...)`; scripts/vitest.config.mts runs them all in one process.
 */
import type { PluginOption } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceAliases } from './workspace-aliases.mts';

export interface LoupeProjectOptions {
  /** Nx project name; also the Vitest project name. */
  name: string;
  /** Absolute directory of the project. */
  dir: string;
  environment?: 'node' | 'jsdom';
  include?: string[];
  setupFiles?: string[];
  /** Extra Vite plugins (the web app adds React). */
  plugins?: PluginOption[];
  testTimeout?: number;
}

export function loupeProject(opts: LoupeProjectOptions): UserWorkspaceConfig {
  return defineProject({
    root: opts.dir,
    plugins: opts.plugins,
    // NestJS dependency injection needs legacy decorators with emitted metadata.
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    resolve: { alias: workspaceAliases() },
    test: {
      name: opts.name,
      environment: opts.environment ?? 'node',
      include: opts.include ?? ['src/**/*.spec.ts', 'src/**/*.spec.tsx', 'test/**/*.spec.ts'],
      setupFiles: opts.setupFiles,
      testTimeout: opts.testTimeout ?? 30_000,
      hookTimeout: 60_000,
    },
  } as UserWorkspaceConfig);
}
