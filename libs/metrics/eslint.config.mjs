import { loupeLint } from '../../scripts/lint/eslint.base.mjs';

export default loupeLint(import.meta.dirname, { pure: true });
