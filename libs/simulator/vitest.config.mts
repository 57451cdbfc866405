import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'simulator', dir: import.meta.dirname });
