import { execFileSync, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { stallsBetween, startStallProbe } from './stall-probe';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the stall probe', () => {
  it('counts the late timers that ended inside the window, and the longest', () => {
    const output = ['stall probe ready', 'stall 1000 9.5 10.5', 'stall 2000 30.2 0.2', 'noise', 'stall 3000 12.0 12.8', 'stall 4000 80.0 81.0', ''].join('\n');
    expect(stallsBetween(output, 1500, 3500)).toEqual({ stalls: 2, maxMs: 30.2, waitingShare: 13 / 42.2 });
    expect(stallsBetween(output, 1000, 4000).stalls).toBe(4);
    expect(stallsBetween(output, 1000, 4000).maxMs).toBe(80);
    expect(stallsBetween(output, 3500, 4000).waitingShare).toBe(1);
    expect(stallsBetween(output, 5000, 6000)).toEqual({ stalls: 0, maxMs: 0, waitingShare: null });
  });

  it('leaves the waiting share unknown when the kernel did not say for a stall', () => {
    const output = ['stall 1000 9.5 9.0', 'stall 2000 12.0 -', 'stall 3000 7.0'].join('\n');
    expect(stallsBetween(output, 0, 1500)).toEqual({ stalls: 1, maxMs: 9.5, waitingShare: 9 / 9.5 });
    expect(stallsBetween(output, 0, 2500)).toEqual({ stalls: 2, maxMs: 12, waitingShare: null });
    expect(stallsBetween(output, 2500, 3500).waitingShare).toBeNull();
  });

  it('reports a stall of its process: stopped for 150 ms, its timer fires that late', async () => {
    const probe = await startStallProbe(8);
    try {
      const from = Date.now();
      process.kill(probe.child.pid!, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 150));
      process.kill(probe.child.pid!, 'SIGCONT');
      // The late timer reports once the process runs again.
      let count = probe.between(from, Date.now());
      for (let i = 0; i < 50 && count.stalls === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        count = probe.between(from, Date.now());
      }
      expect(count.stalls).toBeGreaterThanOrEqual(1);
      expect(count.maxMs).toBeGreaterThanOrEqual(120);
      // Stopped, it was not runnable: the lateness was not a wait for a CPU.
      expect(count.waitingShare).not.toBeNull();
      expect(count.waitingShare!).toBeLessThan(0.5);
    } finally {
      await probe.stop();
    }
  });

  it('counts a wait for a busy CPU as runnable time: pinned to one core beside two busy loops, at nice 19', async () => {
    const probe = await startStallProbe(2);
    const hogs = [0, 1].map(() => spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;);'], { stdio: 'ignore' }));
    try {
      execFileSync('taskset', ['-pc', '0', String(probe.child.pid)], { stdio: 'ignore' });
      setPriority(probe.child.pid!, 19);
      await sleep(300);
      const from = Date.now();
      await sleep(500);
      const count = probe.between(from, Date.now());
      expect(count.stalls).toBeGreaterThanOrEqual(1);
      expect(count.waitingShare).not.toBeNull();
      expect(count.waitingShare!).toBeGreaterThan(0.5);
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
      await probe.stop();
    }
  });
});
