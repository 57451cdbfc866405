import { loupeProject } from '../scripts/vitest.preset.mts';

/** The generator's, the probe's and the process readers' own tests: they measure the machine, so they run alone. */
export default loupeProject({ name: 'bench', dir: import.meta.dirname, include: ['*.spec.ts'], exclude: ['benchmarks.spec.ts'], testTimeout: 120_000, serial: true });
