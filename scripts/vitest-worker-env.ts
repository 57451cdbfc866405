/**
 * Runs in each Vitest worker before a test file loads: points the process (and every
 * process a test starts) at this worker's own databases, Redis database and queue prefix
 * (scripts/test-workers.mts, `testWorkerEnv`), so files running at the same time never share them.
 */
import { testWorkerEnv } from '../libs/server-core/src/config/test-env';

Object.assign(process.env, testWorkerEnv(process.env, Number(process.env.VITEST_POOL_ID ?? '1')));
