import react from '@vitejs/plugin-react';
import { loupeProject } from '../../scripts/vitest.preset.mts';

export default loupeProject({
  name: 'web',
  dir: import.meta.dirname,
  environment: 'jsdom',
  include: ['src/**/*.spec.tsx', 'src/**/*.spec.ts'],
  setupFiles: ['./src/test/setup.ts'],
  plugins: [react()],
});
