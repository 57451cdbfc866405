/**
 * Vitest's global setup: creates and migrates the databases of test workers 2 and up
 * (scripts/test-workers.mts; worker 1's are the ones scripts/setup.sh migrates). Already
 * migrated databases cost one connection and a migration check each.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { testWorkerEnv } from '../libs/server-core/src/config/test-env';
import { testWorkers } from './test-workers.mts';

const workspaceRoot = resolve(__dirname, '..');

/** Creates the Postgres database of `url` if it is missing, connected as the same role to the first worker's database. */
async function ensurePostgresDatabase(firstUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new Client({ connectionString: firstUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Identifiers cannot be bound: quoted, with quotes doubled.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" TEMPLATE template0 ENCODING 'UTF8'`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by another run
      });
    }
  } finally {
    await client.end();
  }
}

/** The migrations (apps/api/src/cli/migrate.ts, as scripts/setup.sh runs them) against `env`'s databases. */
function migrate(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/cli/migrate.ts'], {
      cwd: workspaceRoot,
      env: { ...env, SWC_NODE_PROJECT: 'apps/api/tsconfig.json', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? done() : reject(new Error(`migrating ${env.DATABASE_URL} and ClickHouse ${env.CLICKHOUSE_DATABASE} for a test worker failed (${code}): ${stderr.trim()}`)),
    );
  });
}

export default async function setup(): Promise<void> {
  const first = testWorkerEnv(process.env, 1);
  for (let worker = 2; worker <= testWorkers(); worker++) {
    const env = { ...process.env, ...testWorkerEnv(process.env, worker) };
    await ensurePostgresDatabase(first.DATABASE_URL, env.DATABASE_URL!);
    await migrate(env);
  }
}
