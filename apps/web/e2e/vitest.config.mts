import { loupeProject } from '../../../scripts/vitest.preset.mts';

/** Browser journeys: the built web app served by the real API, driven in Debian's Chromium. */
export default loupeProject({
  name: 'web-e2e',
  dir: import.meta.dirname,
  include: ['**/*.e2e-spec.ts'],
  testTimeout: 120_000,
});
