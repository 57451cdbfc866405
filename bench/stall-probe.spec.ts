import { describe, expect, it } from 'vitest';
import { stallsBetween, startStallProbe } from './stall-probe';

describe('the stall probe', () => {
  it('counts the late timers that ended inside the window, and the longest', () => {
    const output = ['stall probe ready', 'stall 1000 9.5', 'stall 2000 30.2', 'noise', 'stall 3000 12.0', 'stall 4000 80.0', ''].join('\n');
    expect(stallsBetween(output, 1500, 3500)).toEqual({ stalls: 2, maxMs: 30.2 });
    expect(stallsBetween(output, 1000, 4000)).toEqual({ stalls: 4, maxMs: 80 });
    expect(stallsBetween(output, 5000, 6000)).toEqual({ stalls: 0, maxMs: 0 });
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
    } finally {
      await probe.stop();
    }
  });
});
