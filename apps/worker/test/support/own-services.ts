import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Private Redis and ClickHouse servers for tests that kill or restart them: random free
 * loopback ports, a temp directory each, stopped by the test. The shared servers on the
 * default ports are never touched.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A child process in its own process group, so a kill reaches everything it started (runuser → server). */
export class OwnProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
  ) {}

  start(): void {
    const log = openSync(this.options.logFile, 'a');
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Signals the whole process group and waits for the leader to exit. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
    await this.exited;
    this.child = undefined;
  }
}

export interface OwnRedis {
  url: string;
  port: number;
  process: OwnProcess;
  stop(): Promise<void>;
}

/** redis-server with the append-only file on (as production must run it). */
export async function startOwnRedis(dir: string): Promise<OwnRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const process_ = new OwnProcess(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--dir', dir],
    { logFile: join(dir, 'redis.log') },
  );
  process_.start();
  const { Redis } = await import('ioredis');
  await waitFor(
    'own redis-server',
    async () => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined); // refused until the server listens; connect() rejects too
      try {
        await client.connect();
        return (await client.ping()) === 'PONG' ? true : undefined;
      } finally {
        client.disconnect();
      }
    },
    15_000,
  );
  return { url: `redis://127.0.0.1:${port}/0`, port, process: process_, stop: () => process_.kill('SIGTERM') };
}

export interface OwnClickHouse {
  url: string;
  process: OwnProcess;
  start(): Promise<void>;
  /** SIGKILL: the harshest restart (inserts in flight get no answer). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';

/**
 * clickhouse-server 18.16 with a temp config and data directory. As root it runs as the
 * `clickhouse` user (it refuses a data directory it does not own), as scripts/services.sh does.
 */
export async function startOwnClickHouse(dir: string): Promise<OwnClickHouse> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>100M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
`,
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { execFileSync } = await import('node:child_process');
    const uid = Number(execFileSync('id', ['-u', 'clickhouse']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'clickhouse']).toString().trim());
    for (const path of [dir, join(dir, 'data'), join(dir, 'config.xml')]) chownSync(path, uid, gid);
  }
  const args = ['--config-file', join(dir, 'config.xml')];
  const process_ = asRoot
    ? new OwnProcess('clickhouse', 'runuser', ['-u', 'clickhouse', '--', CLICKHOUSE_SERVER, ...args], { logFile: join(dir, 'stdout.log') })
    : new OwnProcess('clickhouse', CLICKHOUSE_SERVER, args, { logFile: join(dir, 'stdout.log') });
  const url = `http://127.0.0.1:${httpPort}`;
  const start = async (): Promise<void> => {
    process_.start();
    await waitFor('own clickhouse-server', async () => ((await (await fetch(`${url}/ping`)).text()).startsWith('Ok') ? true : undefined), 30_000);
  };
  await start();
  return { url, process: process_, start, kill: () => process_.kill('SIGKILL'), stop: () => process_.kill('SIGTERM') };
}
