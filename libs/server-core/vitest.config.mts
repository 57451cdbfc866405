import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({ name: 'server-core', dir: import.meta.dirname });
