import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'metrics', dir: import.meta.dirname });
