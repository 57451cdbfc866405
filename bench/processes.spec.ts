import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyShare, childrenCpuMs, cpuOutside, cpuShares, machineCpu, parseMachineCpu, parseProcessStat, processStats, type ProcessStat } from './processes';

describe('machine CPU readings', () => {
  it('counts user, nice, system, irq and softirq as busy; idle and iowait as not; steal as neither', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseMachineCpu('cpu  100 5 40 800 10 2 20 30 0 0\ncpu0 50 2 20 400 5 1 10 15 0 0\n')).toEqual({ busy: 167, total: 977 });
  });

  it('refuses what is not a /proc/stat cpu line', () => {
    expect(parseMachineCpu('cpu0 1 2 3 4 5 6 7')).toBeNull();
    expect(parseMachineCpu('cpu  1 2 x 4 5 6 7')).toBeNull();
    expect(parseMachineCpu('')).toBeNull();
  });

  it('gives the busy share between two readings, or null when it cannot', () => {
    expect(busyShare({ busy: 100, total: 400 }, { busy: 175, total: 500 })).toBe(0.75);
    expect(busyShare({ busy: 100, total: 400 }, { busy: 100, total: 400 })).toBeNull();
    expect(busyShare(null, { busy: 1, total: 2 })).toBeNull();
  });

  it('reads this machine (Linux) as a busy share between 0 and 1', async () => {
    const from = machineCpu();
    const until = Date.now() + 50;
    while (Date.now() < until) {
      // busy: at least this process's share is counted
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const share = busyShare(from, machineCpu());
    expect(share).not.toBeNull();
    expect(share!).toBeGreaterThan(0);
    expect(share!).toBeLessThanOrEqual(1);
  });
});

describe('CPU of a server\'s processes', () => {
  it('shares the CPU used between two readings among the children alive at both, largest first', () => {
    const from = new Map([
      [10, 100],
      [11, 200],
      [12, 50],
    ]);
    const to = new Map([
      [10, 400],
      [11, 300],
      [13, 999],
    ]);
    // 12 exited, 13 was not there before: only 10 (+300) and 11 (+100) count.
    expect(cpuShares(from, to)).toEqual([0.75, 0.25]);
    expect(cpuShares(from, from)).toBeNull();
    expect(cpuShares(new Map(), to)).toBeNull();
  });

  it('reads the CPU of each direct child of a live process: a busy child and an idle one', async () => {
    const script = [
      "const { fork } = require('node:child_process');",
      'if (process.argv[2] === "busy") { const end = Date.now() + 400; while (Date.now() < end); setInterval(() => {}, 1000); }',
      'else if (process.argv[2] === "idle") { setInterval(() => {}, 1000); }',
      'else { fork(__filename, ["busy"]); fork(__filename, ["idle"]); setInterval(() => {}, 1000); }',
    ].join('\n');
    const file = join(tmpdir(), `loupe-children-cpu-${process.pid}.js`);
    writeFileSync(file, script);
    const parent = spawn(process.execPath, [file], { stdio: 'ignore' });
    try {
      const from = childrenCpuMs(parent.pid);
      let to = from;
      for (let i = 0; i < 50 && !(to.size === 2 && Math.max(...to.values()) >= 300); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        to = childrenCpuMs(parent.pid);
      }
      expect(to.size).toBe(2);
      const [busy, idle] = [...to.values()].sort((a, b) => b - a);
      expect(busy!).toBeGreaterThanOrEqual(300);
      expect(idle!).toBeLessThan(busy! / 2);
      expect(childrenCpuMs(undefined).size).toBe(0);
    } finally {
      for (const child of childrenCpuMs(parent.pid).keys()) process.kill(child, 'SIGKILL');
      parent.kill('SIGKILL');
      rmSync(file, { force: true });
    }
  });
});

describe('CPU of the machine\'s other processes', () => {
  it('parses /proc/<pid>/stat, a command name with spaces and parentheses included', () => {
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
    // … cutime cstime priority nice num_threads itrealvalue starttime vsize …
    expect(parseProcessStat('4242 (Web Content (x)) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 5120 123456 0')).toEqual({
      name: 'Web Content (x)',
      ppid: 17,
      start: 5120,
      user: 2500,
      system: 750,
    });
    expect(parseProcessStat('83 (kdamond.0) S 2 0 0 0 -1 2129984 0 0 0 0 0 1460 0 0 20 0 1 0 9 0 0')).toEqual({ name: 'kdamond.0', ppid: 2, start: 9, user: 0, system: 14600 });
    expect(parseProcessStat('garbage')).toBeNull();
    expect(parseProcessStat('1 (init) S x')).toBeNull();
    // Cut short before starttime.
    expect(parseProcessStat('83 (kdamond.0) S 2 0 0 0 -1 2129984 0 0 0 0 0 1460')).toBeNull();
  });

  it('sums what processes outside the benchmark\'s trees used, by name, largest first', () => {
    const stat = (name: string, ppid: number, user: number, system = 0, start = 1): ProcessStat => ({ name, ppid, start, user, system });
    const from = new Map<number, ProcessStat>([
      [1, stat('init', 0, 0)],
      [100, stat('bench', 50, 1000)],
      [101, stat('api', 100, 5000)],
      [102, stat('api-worker', 101, 9000)],
      [200, stat('beam.smp', 1, 100, 20)],
      [201, stat('redis-server', 1, 400)],
      [202, stat('redis-server', 1, 10)],
      [300, stat('old', 1, 70)],
      [20, stat('kworker/u8:1-events_unbound', 2, 0, 500)],
      [21, stat('kworker/0:1-events', 2, 0, 100)],
    ]);
    const to = new Map<number, ProcessStat>([
      [1, stat('init', 0, 0)],
      [100, stat('bench', 50, 3000)],
      [101, stat('api', 100, 6000)],
      [102, stat('api-worker', 101, 19000)],
      // A process of the benchmark started meanwhile (the generator): inside, not counted.
      [103, stat('generator', 100, 800)],
      [200, stat('beam.smp', 1, 350, 40)],
      [201, stat('redis-server', 1, 500)],
      [202, stat('redis-server', 1, 60)],
      // Started meanwhile, outside: counted from zero.
      [400, stat('df', 1, 30)],
      // pid 300 exited and its number went to another program: counted from zero, not as -40.
      [300, stat('kdamond.0', 2, 30, 0, 99)],
      // Kernel workers rename themselves after the work at hand: the same threads, one name.
      [20, stat('kworker/u8:1-kvfree_rcu_reclaim', 2, 0, 560)],
      [21, stat('kworker/0:1-virtio_vsock', 2, 0, 110)],
    ]);
    expect(cpuOutside(from, to, [100])).toEqual({
      totalMs: 270 + 150 + 70 + 30 + 30,
      byName: [
        { name: 'beam.smp', ms: 270 },
        { name: 'redis-server', ms: 150 },
        { name: 'kworker', ms: 70 },
        { name: 'df', ms: 30 },
        { name: 'kdamond.0', ms: 30 },
      ],
    });
    // With nothing excluded, the benchmark's own processes count too.
    expect(cpuOutside(from, to, []).totalMs).toBe(550 + 2000 + 1000 + 10000 + 800);
    expect(cpuOutside(to, to, [100])).toEqual({ totalMs: 0, byName: [] });
  });

  it('reads this machine (Linux): a busy process is counted, unless it is in a tree left out', async () => {
    const from = processStats();
    expect(from.get(process.pid)?.ppid).toBe(process.ppid);
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 300; while (Date.now() < end); setInterval(() => {}, 1000);'], { stdio: 'ignore' });
    try {
      // Until the child has used its 300 ms (it stays alive, idle, to be read).
      let to = processStats();
      for (let i = 0; i < 60 && !((to.get(busy.pid!)?.user ?? 0) + (to.get(busy.pid!)?.system ?? 0) >= 250); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        to = processStats();
      }
      const all = cpuOutside(from, to, []).totalMs;
      // Left out as a root of its own, and as a descendant of this process.
      expect(all - cpuOutside(from, to, [busy.pid!]).totalMs).toBeGreaterThanOrEqual(250);
      expect(all - cpuOutside(from, to, [process.pid]).totalMs).toBeGreaterThanOrEqual(250);
    } finally {
      busy.kill('SIGKILL');
    }
  });
});
