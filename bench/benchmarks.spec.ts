import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from './benchmarks';
import { renderTable } from './harness';

/** Runs every benchmark at its tiny size so none of them rots between `npm run bench` runs. */
describe.each(BENCHMARKS.map((b) => [b.name, b] as const))('benchmark %s at tiny size', (_name, bench) => {
  it('produces finite figures with same-run baselines', async () => {
    const figures = await bench.run('tiny');
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      expect(Number.isFinite(f.value) && f.value > 0).toBe(true);
      expect(Number.isFinite(f.baselineValue) && f.baselineValue > 0).toBe(true);
      expect(f.ratio).toBeCloseTo(f.value / f.baselineValue, 6);
    }
    expect(renderTable(figures)).toContain(bench.name);
  });
});
