/**
 * The benchmark harness. Each benchmark measures Loupe's figure and a baseline in the
 * same run (the machines are shared and noisy: only ratios are comparable across
 * runs) and says whether it meets its target.
 */
export type BenchSize = 'tiny' | 'full';

export interface BenchFigure {
  benchmark: string;
  /** What was measured, e.g. "ns per candidate (n=10,000)". */
  metric: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue, or as the benchmark defines it (stated in `metric`). */
  ratio: number;
  /** Human-readable target, e.g. "p99 ≤ 1 ms". */
  target?: string;
  /** Whether the target was met; undefined when the figure has no target. */
  met?: boolean;
}

export interface Benchmark {
  name: string;
  run(size: BenchSize): Promise<BenchFigure[]>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Benchmarks generate the same data every run. */
export { seededRandom as seeded } from '@loupe/auction';

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3);

export function renderTable(figures: readonly BenchFigure[]): string {
  const rows = figures.map((f) => [
    f.benchmark,
    f.metric,
    `${fmt(f.value)} ${f.unit}`,
    `${f.baseline}: ${fmt(f.baselineValue)} ${f.unit}`,
    `${f.ratio.toFixed(2)}×`,
    f.target ? `${f.target} — ${f.met ? 'met' : 'NOT met'}` : '',
  ]);
  const header = ['benchmark', 'metric', 'Loupe', 'same-run baseline', 'ratio', 'target'];
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
