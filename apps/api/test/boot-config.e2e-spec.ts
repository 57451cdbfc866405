import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');

describe.each([
  ['api', 'apps/api/src/main.ts', 'apps/api/tsconfig.json'],
  ['worker', 'apps/worker/src/main.ts', 'apps/worker/tsconfig.json'],
])('%s process with a bad configuration value', (_name, entry, tsconfig) => {
  it('refuses to start and names the variable', () => {
    const run = spawnSync(process.execPath, ['-r', '@swc-node/register', entry], {
      cwd: ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: tsconfig, API_PORT: 'not-a-port', CLICKHOUSE_URL: 'ftp://x' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('API_PORT');
    expect(run.stderr).toContain('"not-a-port"');
    expect(run.stderr).toContain('CLICKHOUSE_URL');
  });
});
