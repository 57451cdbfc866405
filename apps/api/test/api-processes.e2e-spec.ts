import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startApiProcess, type ApiProcess } from './support/serving';

/*
 * API_PROCESSES (apps/api/src/app/api-processes.ts): the real entry point spawned with two
 * node:cluster workers on one port, on the test services.
 */

/** The live processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie (state Z) has exited and waits for its parent to reap it.
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out.sort((a, b) => a - b);
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Status of GET /health on a new connection each time (the cluster hands connections out in turn). */
async function health(url: string): Promise<number> {
  const res = await fetch(`${url}/health`, { headers: { connection: 'close' } });
  await res.arrayBuffer();
  return res.status;
}

describe('API_PROCESSES', () => {
  let api: ApiProcess | null = null;
  let blocker: Server | null = null;

  afterEach(async () => {
    await api?.stop();
    api = null;
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    blocker = null;
  });

  it('runs that many API processes on one port, replaces one that dies, and stops them all on SIGTERM', async () => {
    api = await startApiProcess({ API_PROCESSES: '2' });
    expect(api.output()).toContain('(2 processes)');
    const workers = childrenOf(api.pid);
    expect(workers).toHaveLength(2);
    for (let i = 0; i < 6; i++) expect(await health(api.url)).toBe(200);

    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await until('a replacement process', () => {
      const now = childrenOf(api!.pid);
      return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
    });
    expect(replaced).toContain(workers[1]);
    expect(api.output()).toContain(`API process ${workers[0]} exited (SIGKILL); starting another`);
    // The new process answers too: every connection is served while it boots and after.
    const newcomer = replaced.find((pid) => pid !== workers[1])!;
    await until('the new process to listen', () => api!.output().includes(`API process ${newcomer} listening`) || undefined);
    for (let i = 0; i < 6; i++) expect(await health(api.url)).toBe(200);

    process.kill(api.pid, 'SIGTERM');
    expect(await api.exited).toBe(0);
    expect(replaced.every((pid) => childrenOf(pid).length === 0 && !existsProcess(pid))).toBe(true);
  });

  it('gives up with exit 1 when its processes keep dying at start-up (here: the port is taken)', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(port, '127.0.0.1', () => r()));
    api = await startApiProcess({ API_PROCESSES: '2' }, { port, waitForListening: false });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('EADDRINUSE');
    expect(api.output()).toMatch(/5 processes in a row died within 10000 ms of starting, giving up/);
    expect(childrenOf(api.pid)).toEqual([]);
  });
});

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
