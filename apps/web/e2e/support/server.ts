import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '../../../..');

/** A free loopback port (the shared servers' default ports are never used). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: workspaceRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** Builds the web app for production into `outDir` (its own directory, so parallel builds never clash). */
export async function buildWebApp(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  // The test runner's NODE_ENV=test would make Vite bundle React's development build.
  await run('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    ...process.env,
    NODE_ENV: 'production',
  });
}

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Starts the real API (apps/api/src/main.ts) serving the built web app from `webDistDir`, on a free port. */
export async function startApi(webDistDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('node', ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: 'apps/api/tsconfig.json',
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      PUBLIC_URL: url,
      WEB_DIST_DIR: webDistDir,
      RATE_LIMIT_READ_PER_MINUTE: '100000',
      RATE_LIMIT_WRITE_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The API exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200 || response.status === 503) return { url, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`The API did not answer on ${url} within 90 s: ${stderr.slice(-2000)}`);
}

export interface RunningWorker {
  stop(): Promise<void>;
  /** What the worker wrote to stderr so far (for a failing test's message). */
  stderr(): string;
}

/**
 * Starts the real worker (apps/worker/src/main.ts: event ingest into ClickHouse, rollups,
 * the spend ledger, report files) on the same services and queue prefix as the API, so
 * tracking events go through the pipeline exactly as in production. It listens on no
 * port; it is taken as up once it has run a few seconds without exiting.
 */
export async function startWorker(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningWorker> {
  const child = spawn('node', ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
    cwd: workspaceRoot,
    env: { ...process.env, SWC_NODE_PROJECT: 'apps/worker/tsconfig.json', LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  await new Promise((r) => setTimeout(r, 5_000));
  if (child.exitCode !== null) throw new Error(`The worker exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
  return { stop, stderr: () => stderr.slice(-2000) };
}

/** Runs one of the API's command-line tools (apps/api/src/cli/<name>.ts) to the end; resolves with its stdout. */
export function runApiCli(name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('node', ['-r', '@swc-node/register', `apps/api/src/cli/${name}.ts`, ...args], {
      cwd: workspaceRoot,
      env: { ...process.env, SWC_NODE_PROJECT: 'apps/api/tsconfig.json', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(stdout) : fail(new Error(`${name} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`))));
  });
}
