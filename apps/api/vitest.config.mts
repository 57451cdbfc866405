import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({
  name: 'api',
  dir: import.meta.dirname,
  include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
});
