import { loupeProject } from '../scripts/vitest.preset.mts';

/**
 * Every benchmark at its tiny size (benchmarks.spec.ts), so none rots between `npm run
 * bench` runs. It asserts no figure, only that each is finite and has its same-run
 * baseline, so it runs beside other test files like any integration test.
 */
export default loupeProject({ name: 'bench-tiny', dir: import.meta.dirname, include: ['benchmarks.spec.ts'], testTimeout: 120_000 });
