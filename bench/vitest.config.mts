import { loupeProject } from '../scripts/vitest.preset.mts';

export default loupeProject({ name: 'bench', dir: import.meta.dirname, include: ['*.spec.ts'], testTimeout: 120_000 });
