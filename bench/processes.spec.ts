import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyShare, childrenCpuMs, cpuShares, machineCpu, parseMachineCpu } from './processes';

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
