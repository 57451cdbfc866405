import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'contracts', dir: import.meta.dirname });
