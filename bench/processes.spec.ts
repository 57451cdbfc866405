import { describe, expect, it } from 'vitest';
import { busyShare, machineCpu, parseMachineCpu } from './processes';

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
