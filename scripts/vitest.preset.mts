/**
 * Shared Vitest settings for every project. Each project's vitest.config.mts calls
 * `loupeProject(...)`; scripts/vitest.config.mts runs them all in one process.
 */
import { resolve } from 'node:path';
import type { PluginOption } from 'vite';
import { configDefaults, defineProject, type UserWorkspaceConfig } from 'vitest/config';
import { workspaceAliases } from './workspace-aliases.mts';

export interface LoupeProjectOptions {
  /** Nx project name; also the Vitest project name. */
  name: string;
  /** Absolute directory of the project. */
  dir: string;
  environment?: 'node' | 'jsdom';
  include?: string[];
  exclude?: string[];
  setupFiles?: string[];
  /** Extra Vite plugins (the web app adds React). */
  plugins?: PluginOption[];
  testTimeout?: number;
  /**
   * Run this project's files one at a time, after every other project's (which run
   * several at once, scripts/test-workers.mts): for tests that measure the machine, such
   * as the benchmarks and the stall probe, and would be disturbed by a neighbour.
   */
  serial?: boolean;
}

/** Every test file first points its process at its Vitest worker's own services. */
const workerEnvSetup = resolve(import.meta.dirname, 'vitest-worker-env.ts');

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
      ...(opts.exclude ? { exclude: [...configDefaults.exclude, ...opts.exclude] } : {}),
      setupFiles: [workerEnvSetup, ...(opts.setupFiles ?? [])],
      testTimeout: opts.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      ...(opts.serial ? { maxWorkers: 1, sequence: { groupOrder: 1 } } : {}),
    },
  } as UserWorkspaceConfig);
}
