import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';

/*
 * Child processes and throwaway databases for benchmarks that drive Loupe's own
 * servers (the same approach as serve.bench.ts, shared here for the ingest bench).
 */

export const ROOT = resolve(__dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Child {
  /** The process id (peak RSS is read from /proc/<pid>/status). */
  readonly pid: number | undefined;
  /** CPU time the process and its live descendants (cluster workers) have used so far (user + system), ms; null where /proc is missing. */
  cpuMs(): number | null;
  /** The same, split into user and kernel time. */
  cpuSplitMs(): { user: number; system: number } | null;
  /** Everything the process printed so far (the tail is quoted when it fails). */
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc (Linux), in ms. */
export function processCpuMs(pid: number | undefined): number | null {
  const split = processCpuSplitMs(pid);
  return split === null ? null : split.user + split.system;
}

/** A process as /proc/<pid>/stat has it: its command name, its parent, and the CPU time it has used so far, ms. */
export interface ProcessStat {
  name: string;
  ppid: number;
  /** When it started, in clock ticks after boot: with the pid, who it is (pids are reused). */
  start: number;
  user: number;
  system: number;
}

/**
 * Parses /proc/<pid>/stat: the command name is in parentheses and may itself contain
 * spaces and parentheses, so the fields are counted from the last `)`: the parent is
 * field 4, utime 14, stime 15 (in USER_HZ ticks, 100 a second on Linux) and starttime 22.
 */
export function parseProcessStat(stat: string): ProcessStat | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = stat.slice(close + 2).split(' ');
  const [ppid, utime, stime, start] = [Number(fields[1]), Number(fields[11]), Number(fields[12]), Number(fields[19])];
  if (![ppid, utime, stime, start].every(Number.isFinite)) return null;
  return { name: stat.slice(open + 1, close), ppid, start, user: utime * 10, system: stime * 10 };
}

function readProcessStat(pid: number | string): ProcessStat | null {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // Gone meanwhile, or no /proc.
    return null;
  }
}

/** utime and stime of a process from /proc (Linux), in ms. */
function processCpuSplitMs(pid: number | undefined): { user: number; system: number } | null {
  const stat = pid === undefined ? null : readProcessStat(pid);
  return stat === null ? null : { user: stat.user, system: stat.system };
}

/** processCpuMs of a process plus that of every live process below it (its cluster workers). */
export function processTreeCpuMs(pid: number | undefined): number | null {
  const split = processTreeCpuSplitMs(pid);
  return split === null ? null : split.user + split.system;
}

/** Every live process as /proc/<pid>/stat has it, by pid (Linux); throws where /proc is missing. */
export function processStats(): Map<number, ProcessStat> {
  const stats = new Map<number, ProcessStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(entry);
    if (stat !== null) stats.set(Number(entry), stat);
  }
  return stats;
}

/** Every live process's parent, by pid (Linux /proc). */
function parentsByPid(): Map<number, number> {
  return new Map([...processStats()].map(([pid, stat]) => [pid, stat.ppid]));
}

/** User and kernel CPU time of a process and every live process below it, ms. */
export function processTreeCpuSplitMs(pid: number | undefined): { user: number; system: number } | null {
  const own = processCpuSplitMs(pid);
  if (own === null) return null;
  const parents = parentsByPid();
  const total = { ...own };
  const below = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      const split = processCpuSplitMs(child);
      total.user += split?.user ?? 0;
      total.system += split?.system ?? 0;
      below(child);
    }
  };
  below(pid!);
  return total;
}

/** CPU time of each live direct child of a process (a server's cluster workers), ms, by pid; empty where /proc is missing. */
export function childrenCpuMs(pid: number | undefined): Map<number, number> {
  const cpu = new Map<number, number>();
  if (pid === undefined) return cpu;
  let parents: Map<number, number>;
  try {
    parents = parentsByPid();
  } catch {
    return cpu;
  }
  for (const [child, ppid] of parents) {
    if (ppid !== pid) continue;
    const ms = processCpuMs(child);
    if (ms !== null) cpu.set(child, ms);
  }
  return cpu;
}

/**
 * How the CPU time used between two readings of `childrenCpuMs` was shared among the
 * children alive at both, largest share first (shares sum to 1); null when none used any.
 */
export function cpuShares(from: Map<number, number>, to: Map<number, number>): number[] | null {
  const used: number[] = [];
  for (const [pid, ms] of to) {
    const before = from.get(pid);
    if (before !== undefined) used.push(ms - before);
  }
  const total = used.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  return used.map((u) => u / total).sort((a, b) => b - a);
}

/** CPU time of processes outside a benchmark's own: in all, and by command name, largest first. */
export interface OutsideCpu {
  totalMs: number;
  byName: { name: string; ms: number }[];
}

/**
 * The CPU time that processes outside the trees of `roots` (a benchmark and everything it
 * started) used between two readings of `processStats`: the machine's other work (its
 * services, kernel threads such as kdamond, anything else running), summed by command
 * name, largest first; kernel threads by the part before the `/` (`kworker/u8:1-events`
 * is a kworker, whatever work it names at the moment). A process started meanwhile
 * counts from zero; one that exited meanwhile is missed, as /proc no longer shows it.
 */
export function cpuOutside(from: ReadonlyMap<number, ProcessStat>, to: ReadonlyMap<number, ProcessStat>, roots: readonly number[]): OutsideCpu {
  const inside = (pid: number): boolean => {
    // Walk up the parents (bounded: a pid reused meanwhile could make a loop).
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 0 && hops < 64; p = to.get(p)?.ppid, hops++) {
      if (roots.includes(p)) return true;
    }
    return false;
  };
  const byName = new Map<string, number>();
  let totalMs = 0;
  for (const [pid, now] of to) {
    if (inside(pid)) continue;
    const before = from.get(pid);
    const ms = now.user + now.system - (before && before.start === now.start ? before.user + before.system : 0);
    if (!(ms > 0)) continue;
    totalMs += ms;
    const name = now.ppid === 2 ? now.name.replace(/\/.*$/, '') : now.name;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  return { totalMs, byName: [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name)) };
}

/** The machine's CPU time so far, from the first line of /proc/stat: ticks busy and in all (USER_HZ, summed over its CPUs). */
export interface MachineCpu {
  busy: number;
  total: number;
}

/**
 * Parses the `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal …):
 * idle and iowait are not busy; steal (time the hypervisor gave elsewhere) is counted in
 * neither, as it was not the machine's to use.
 */
export function parseMachineCpu(stat: string): MachineCpu | null {
  const line = stat.split('\n', 1)[0]!;
  if (!line.startsWith('cpu ')) return null;
  const [user, nice, system, idle, iowait, irq, softirq] = line.trim().split(/\s+/).slice(1, 8).map(Number);
  if ([user, nice, system, idle, iowait, irq, softirq].some((n) => !Number.isFinite(n))) return null;
  const busy = user! + nice! + system! + irq! + softirq!;
  return { busy, total: busy + idle! + iowait! };
}

/** The machine's CPU time so far (Linux); null where /proc is missing. */
export function machineCpu(): MachineCpu | null {
  try {
    return parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** The share of the machine's CPU time that was busy between two readings, or null. */
export function busyShare(from: MachineCpu | null, to: MachineCpu | null): number | null {
  if (from === null || to === null || to.total <= from.total) return null;
  return (to.busy - from.busy) / (to.total - from.total);
}

/** Spawns `node args…` from the repository root and waits until `ready(output)` (90 s at most). */
export async function startChild(args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => boolean | Promise<boolean>): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (d: Buffer) => {
    output += d.toString();
    // Keep the tail only: a long soak must not grow the bench's memory.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const handle: Child = {
    pid: child.pid,
    cpuMs: () => processTreeCpuMs(child.pid),
    cpuSplitMs: () => processTreeCpuSplitMs(child.pid),
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      if (handle.exited()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 90_000;
  while (!(await ready(output))) {
    if (handle.exited() || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bench process did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle;
}

/**
 * Node options that write a CPU profile of a spawned server when `BENCH_CPU_PROF_DIR`
 * is set (Node refuses --cpu-prof in NODE_OPTIONS); the profile is written when the
 * process exits. Open it in Chrome's DevTools, or sum self time by function.
 */
export function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * The real API (apps/api/src/main.ts) on a free loopback port, with `env` over this
 * process's environment (its databases, rate limits, WEB_DIST_DIR to serve a web build);
 * resolves once it listens.
 */
export async function startApi(env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    [...profileArgs(), '-r', '@swc-node/register', 'apps/api/src/main.ts'],
    {
      ...process.env,
      SWC_NODE_PROJECT: 'apps/api/tsconfig.json',
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      WEB_DIST_DIR: '/nonexistent',
      ...env,
    },
    (output) => output.includes('listening'),
  );
  return { child, url };
}

/**
 * A bare node:http server answering 200 with `body` (base64) to everything: the fastest any
 * Node HTTP server can be here. `processes` > 1: that many node:cluster workers sharing
 * the port, as the API runs with API_PROCESSES.
 */
export async function startBare(contentType: string, body: string, processes = 1): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const serve = `const b = Buffer.from(${JSON.stringify(body)}, 'base64'); require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': ${JSON.stringify(contentType)} }); s.end(b); }); }).listen(${port}, '127.0.0.1', () => console.log('bare ready'));`;
  const script =
    processes > 1
      ? `const cluster = require('node:cluster'); if (cluster.isPrimary) { let n = 0; for (let i = 0; i < ${processes}; i++) cluster.fork(); cluster.on('listening', () => { if (++n === ${processes}) console.log('bare ready'); }); process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); }); } else { ${serve.replace("() => console.log('bare ready')", '() => undefined')} }`
      : serve;
  // A file, not `node -e`: node:cluster forks workers from the main script's path.
  const file = join(tmpdir(), `loupe-bench-bare-${port}.js`);
  writeFileSync(file, script);
  const child = await startChild([file], { ...process.env }, (o) => o.includes('bare ready'));
  const stop = child.stop;
  child.stop = async () => {
    await stop();
    rmSync(file, { force: true });
  };
  return { child, url: `http://127.0.0.1:${port}` };
}

/** A throwaway Postgres database, migrated by the migration CLI; `drop` removes it. */
export async function createPostgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loupe_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new DataSource({ type: 'postgres', url: baseUrl });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  try {
    await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/cli/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', SWC_NODE_PROJECT: 'apps/api/tsconfig.json' },
      timeout: 120_000,
    });
  } catch (err) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
    throw err;
  }
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
