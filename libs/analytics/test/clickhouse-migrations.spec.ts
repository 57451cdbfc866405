import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLICKHOUSE_TABLES,
  ClickHouseMigrationError,
  EVENT_COLUMNS,
  lit,
  loadClickHouseMigrations,
  normaliseStatement,
  runClickHouseMigrations,
  splitSqlStatements,
  sql,
  tableRef,
  type ClickHouseExecutor,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';

/**
 * Guards on migrations/clickhouse (in the spirit of PostHog's): numbering,
 * idempotent DDL, SQL both engines accept, a reviewed snapshot of every
 * table, and the runner's behaviour on the real 18.16 server and chdb.
 */

const CREATE_TABLE = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+\$\{database\}\.([a-z][a-z0-9_]*)/i;

async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
}

async function statementsByFile(): Promise<[string, string[]][]> {
  const files = await migrationFiles();
  return Promise.all(
    files.map(async (file): Promise<[string, string[]]> => [file, splitSqlStatements(await readFile(join(MIGRATIONS_DIR, file), 'utf8'))]),
  );
}

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-ch-migrations-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('migrations/clickhouse files', () => {
  it('are named NNNN_snake_name.sql with numbers unique and contiguous from 0001', async () => {
    const files = await migrationFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/);
    expect(files.map((file) => Number(file.slice(0, 4)))).toEqual(files.map((_, i) => i + 1));
  });

  it('create every table with IF NOT EXISTS, qualified by ${database}', async () => {
    for (const [file, statements] of await statementsByFile()) {
      for (const statement of statements.filter((s) => /^CREATE\b/i.test(s))) {
        expect(statement, file).toMatch(/^CREATE\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+IF\s+NOT\s+EXISTS\s+\$\{database\}\./i);
      }
    }
  });

  it('use only SQL that 18.16 and current ClickHouse both accept (DESIGN §7)', async () => {
    const forbidden = [
      /\bLowCardinality\b/i,
      /\bMap\s*\(/i,
      /\bDateTime64\b/i,
      /\bTTL\b/i,
      /\bCODEC\s*\(/i,
      /\bENGINE\s*=\s*\w*MergeTree\s*\([^)]*,/i, // the old MergeTree(date, key, 8192) form
      /\{\s*\w+\s*:\s*\w+/, // server-side {x:Type} parameters
    ];
    for (const [file, statements] of await statementsByFile()) {
      for (const statement of statements) {
        for (const pattern of forbidden) expect(statement, `${file}: ${pattern}`).not.toMatch(pattern);
      }
    }
  });

  it('pass the runner’s own load-time checks', async () => {
    const migrations = await loadClickHouseMigrations(MIGRATIONS_DIR);
    expect(migrations.map((migration) => migration.file)).toEqual(await migrationFiles());
  });

  it('match the reviewed snapshot of every CREATE TABLE', async () => {
    for (const [file, statements] of await statementsByFile()) {
      for (const statement of statements) {
        const table = CREATE_TABLE.exec(statement)?.[1];
        if (table === undefined) continue;
        await expect(`${normaliseStatement(statement)};\n`).toMatchFileSnapshot(
          `./__snapshots__/clickhouse-tables/${file.replace(/\.sql$/, '')}.${table}.sql`,
        );
      }
    }
  });
});

describe('loadClickHouseMigrations refuses', () => {
  const table = 'CREATE TABLE IF NOT EXISTS ${database}.t (a UInt8) ENGINE = MergeTree ORDER BY a;';

  it.each([
    ['a CREATE without IF NOT EXISTS', { '0001_a.sql': 'CREATE TABLE ${database}.t (a UInt8) ENGINE = MergeTree ORDER BY a;' }, /only CREATE/],
    ['a table outside ${database}', { '0001_a.sql': 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a;' }, /only CREATE/],
    ['ALTER, which 18.16 cannot make idempotent', { '0001_a.sql': `${table}\nALTER TABLE \${database}.t ADD COLUMN b UInt8;` }, /only CREATE/],
    ['INSERT, which would duplicate rows when re-run', { '0001_a.sql': `${table}\nINSERT INTO \${database}.t VALUES (1);` }, /only CREATE/],
    ['DROP without IF EXISTS', { '0001_a.sql': 'DROP TABLE ${database}.t;' }, /only CREATE/],
    ['an unknown placeholder', { '0001_a.sql': 'CREATE TABLE IF NOT EXISTS ${database}.t (a UInt8) ENGINE = MergeTree ORDER BY ${key};' }, /placeholder \$\{key\}/],
    ['a badly named file', { '0001_A-b.sql': table }, /NNNN_snake_name/],
    ['a gap in the numbers', { '0001_a.sql': table, '0003_c.sql': table }, /expected version 0002/],
    ['a duplicated number', { '0001_a.sql': table, '0001_b.sql': table }, /expected version 0002/],
    ['an empty file', { '0001_a.sql': '-- nothing yet\n' }, /no statements/],
    ['an unterminated quote', { '0001_a.sql': "CREATE TABLE IF NOT EXISTS ${database}.t (a String DEFAULT 'x) ENGINE = Memory;" }, /0001_a\.sql: unterminated ' quote/],
  ])('%s', async (_, files, message) => {
    await withTempDir(async (dir) => {
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      await expect(loadClickHouseMigrations(dir)).rejects.toThrow(message);
    });
  });
});

describe.each(ENGINES)('runClickHouseMigrations on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const databases: string[] = [];
  const freshDatabase = (): string => {
    const name = uniqueDatabase('migrations');
    databases.push(name);
    return name;
  };

  beforeAll(async () => {
    executor = await engine.open();
  });

  afterAll(async () => {
    for (const database of databases) await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  async function recorded(database: string): Promise<{ version: number; name: string; checksum: string }[]> {
    return executor.query(
      sql`SELECT DISTINCT version, name, checksum FROM ${tableRef(database, 'schema_migrations')} ORDER BY version`,
    );
  }

  it('applies every migration to a new database and records each once', async () => {
    const database = freshDatabase();
    const migrations = await loadClickHouseMigrations(MIGRATIONS_DIR);
    const report = await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    expect(report).toEqual({ applied: migrations.map((m) => m.file), alreadyApplied: [] });
    expect(await recorded(database)).toEqual(migrations.map((m) => ({ version: m.version, name: m.file, checksum: m.checksum })));
  });

  it('creates events exactly as schema.ts EVENT_COLUMNS describes it', async () => {
    const database = freshDatabase();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    // DESCRIBE rather than system.columns: 18.16's has no position column.
    const described = await executor.query<{ name: string; type: string }>(sql`DESCRIBE TABLE ${tableRef(database, 'events')}`);
    expect(described.map(({ name, type }) => ({ name, type }))).toEqual(Object.entries(EVENT_COLUMNS).map(([name, type]) => ({ name, type })));
  });

  it('stores an event written with lit.* and derives event_date in UTC', async () => {
    const database = freshDatabase();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    const events = tableRef(database, 'events');
    await executor.command(sql`INSERT INTO ${events} (event_id, event_type, event_time, ad_account_id, campaign_id, price_micros, currency)
      VALUES (${lit.string('evt-1')}, ${lit.string('CLICK')}, ${lit.dateTime(new Date('2024-03-31T23:30:00Z'))},
              ${lit.int('549755813888', 'UInt64')}, ${lit.int('18446744073709551615', 'UInt64')},
              ${lit.int('-9223372036854775808', 'Int64')}, ${lit.string('USD')})`);
    const rows = await executor.query(
      sql`SELECT event_id, event_time, event_date, ad_account_id, campaign_id, price_micros, currency, slot FROM ${events}`,
    );
    expect(rows).toEqual([
      {
        event_id: 'evt-1',
        event_time: '2024-03-31 23:30:00',
        event_date: '2024-03-31',
        ad_account_id: '549755813888',
        campaign_id: '18446744073709551615',
        price_micros: '-9223372036854775808',
        currency: 'USD',
        slot: 0,
      },
    ]);
  });

  it('creates exactly the tables schema.ts CLICKHOUSE_TABLES lists', async () => {
    const database = freshDatabase();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    const tables = await executor.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${lit.string(database)} ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual([...CLICKHOUSE_TABLES].sort());
  });

  it('applies nothing when run a second time', async () => {
    const database = freshDatabase();
    const first = await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    const second = await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });
  });

  it('applies a newly added migration on the next run, and only that one', async () => {
    await withTempDir(async (dir) => {
      const database = freshDatabase();
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      const before = await runClickHouseMigrations(executor, { database, dir });
      const next = `${String(before.applied.length + 1).padStart(4, '0')}_extra.sql`;
      await writeFile(join(dir, next), 'CREATE TABLE IF NOT EXISTS ${database}.extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n');
      expect(await runClickHouseMigrations(executor, { database, dir })).toEqual({ applied: [next], alreadyApplied: before.applied });
    });
  });

  it('lets concurrent runners finish with every migration applied and recorded once', async () => {
    await withTempDir(async (dir) => {
      // The real migrations plus a few more, so the runners interleave over several files.
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      const real = (await readdir(dir)).length;
      for (let i = 1; i <= 4; i++) {
        await writeFile(
          join(dir, `${String(real + i).padStart(4, '0')}_extra_${i}.sql`),
          `CREATE TABLE IF NOT EXISTS \${database}.extra_${i} (a UInt8) ENGINE = MergeTree ORDER BY a;\n`,
        );
      }
      const migrations = await loadClickHouseMigrations(dir);
      const database = freshDatabase();

      const reports = await Promise.all([1, 2, 3].map(() => runClickHouseMigrations(executor, { database, dir })));

      const files = migrations.map((m) => m.file);
      for (const report of reports) expect([...report.applied, ...report.alreadyApplied].sort()).toEqual(files);
      expect(await recorded(database)).toEqual(migrations.map((m) => ({ version: m.version, name: m.file, checksum: m.checksum })));
      const tables = await executor.query<{ name: string }>(
        sql`SELECT name FROM system.tables WHERE database = ${lit.string(database)} ORDER BY name`,
      );
      expect(tables.map((t) => t.name)).toEqual([...CLICKHOUSE_TABLES, 'extra_1', 'extra_2', 'extra_3', 'extra_4'].sort());
      expect(await runClickHouseMigrations(executor, { database, dir })).toEqual({ applied: [], alreadyApplied: files });
    });
  });

  it('fails loudly when an applied migration file was edited', async () => {
    await withTempDir(async (dir) => {
      const database = freshDatabase();
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await runClickHouseMigrations(executor, { database, dir });
      await appendFile(join(dir, '0001_events.sql'), '-- an innocent-looking edit\n');
      await expect(runClickHouseMigrations(executor, { database, dir })).rejects.toThrow(ClickHouseMigrationError);
      await expect(runClickHouseMigrations(executor, { database, dir })).rejects.toThrow(
        /0001_events\.sql differs from the applied 0001_events\.sql.*append-only/,
      );
    });
  });
});
