import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'auction', dir: import.meta.dirname });
