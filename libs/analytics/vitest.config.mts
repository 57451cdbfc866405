import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'analytics', dir: import.meta.dirname });
