import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createClickHouseHttpExecutor, openChdbExecutor, type ClickHouseExecutor } from '../../src';

/** The 18.16 server these machines run (DESIGN §9); override to test another. */
export const CLICKHOUSE_URL = process.env['LOUPE_TEST_CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123';

export const MIGRATIONS_DIR = resolve(__dirname, '../../../../migrations/clickhouse');

export interface Engine {
  name: string;
  /** A current ClickHouse, as opposed to the 18.16 server. */
  current: boolean;
  open(options?: { path?: string }): Promise<ClickHouseExecutor>;
}

/** Every SQL test runs on both: the SQL we ship must work on 18.16 and current ClickHouse. */
export const ENGINES: readonly Engine[] = [
  { name: 'clickhouse-server 18.16 (HTTP)', current: false, open: async () => createClickHouseHttpExecutor({ url: CLICKHOUSE_URL }) },
  { name: 'chdb 26.x', current: true, open: (options) => openChdbExecutor(options) },
];

/** Test files run in parallel against one server, so each test gets its own database. */
export function uniqueDatabase(prefix: string): string {
  return `loupe_test_${prefix}_${randomBytes(6).toString('hex')}`;
}
