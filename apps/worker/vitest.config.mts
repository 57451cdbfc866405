import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'worker', dir: import.meta.dirname });
