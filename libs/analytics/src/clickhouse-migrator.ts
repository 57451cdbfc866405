import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClickHouseError, ClickHouseErrorCode } from './clickhouse-error';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { tableRef } from './schema';
import { lit, sql, trustedSqlFromRepositoryFile } from './sql-literal';
import { splitSqlStatements } from './sql-script';

/**
 * ClickHouse migrations: numbered, append-only files
 * `migrations/clickhouse/NNNN_snake_name.sql`.
 *
 * Tables are written `${database}.name`; the runner substitutes the
 * backtick-quoted, validated database name, so one file serves every database
 * (production, per-test throwaway ones) and the executor needs no default.
 *
 * Safe to run twice and concurrently, without locks (ClickHouse has none):
 * - every statement is idempotent, which load time enforces: only
 *   `CREATE TABLE|VIEW|MATERIALIZED VIEW IF NOT EXISTS` and
 *   `DROP TABLE|VIEW IF EXISTS` are accepted. Two runners applying the same
 *   file therefore leave the same schema as one: the server serialises DDL on
 *   a table name and the loser's IF NOT EXISTS is a no-op;
 * - a file is recorded only after all its statements succeeded, so a record
 *   means its schema exists; a crash mid-file leaves it unrecorded and the next
 *   run re-applies it harmlessly;
 * - two runners may both record a file; the record table is read with
 *   GROUP BY, so duplicate rows are harmless (18.16 cannot delete them anyway).
 * ALTER is not accepted: 18.16 has no `ADD COLUMN IF NOT EXISTS`, so it cannot
 * be made idempotent there. Add tables instead, or extend the rules here with
 * an argument for why the new statement form is safe to repeat.
 */

export class ClickHouseMigrationError extends Error {
  override readonly name = 'ClickHouseMigrationError';
}

export interface ClickHouseMigration {
  version: number;
  /** File name, e.g. `0001_events.sql`. */
  file: string;
  /** sha256 of the file with line endings normalised to \n. */
  checksum: string;
  /** Statements with the `${database}` placeholder still in place. */
  statements: string[];
}

export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RunClickHouseMigrationsOptions {
  /** Target database; created if missing. */
  database: string;
  /** Directory of NNNN_name.sql files. */
  dir: string;
  logger?: MigrationLogger;
}

export interface ClickHouseMigrationReport {
  /** Files this run applied, in order. */
  applied: string[];
  /** Files already recorded before this run. */
  alreadyApplied: string[];
}

export const MIGRATION_FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;
const DATABASE_PLACEHOLDER = '${database}';
const IDEMPOTENT_STATEMENT =
  /^(?:CREATE\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+IF\s+NOT\s+EXISTS|DROP\s+(?:TABLE|VIEW)\s+IF\s+EXISTS)\s+\$\{database\}\.[a-z][a-z0-9_]*(?=[\s(]|$)/i;

/** Reads and validates every migration in `dir`, ordered by version. */
export async function loadClickHouseMigrations(dir: string): Promise<ClickHouseMigration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: ClickHouseMigration[] = [];
  for (const [index, file] of files.entries()) {
    const match = MIGRATION_FILE_NAME.exec(file);
    if (match === null) throw new ClickHouseMigrationError(`${file}: migration files are named NNNN_snake_name.sql`);
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new ClickHouseMigrationError(
        `${file}: expected version ${String(index + 1).padStart(4, '0')}; numbers are unique and contiguous from 0001`,
      );
    }
    const text = (await readFile(join(dir, file), 'utf8')).replace(/\r\n/g, '\n');
    const statements = splitFile(file, text);
    if (statements.length === 0) throw new ClickHouseMigrationError(`${file}: no statements`);
    for (const statement of statements) checkStatement(file, statement);
    migrations.push({ version, file, checksum: createHash('sha256').update(text).digest('hex'), statements });
  }
  return migrations;
}

function splitFile(file: string, text: string): string[] {
  try {
    return splitSqlStatements(text);
  } catch (error) {
    throw new ClickHouseMigrationError(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function checkStatement(file: string, statement: string): void {
  if (!IDEMPOTENT_STATEMENT.test(statement)) {
    throw new ClickHouseMigrationError(
      `${file}: only CREATE TABLE|VIEW|MATERIALIZED VIEW IF NOT EXISTS \${database}.name and DROP TABLE|VIEW IF EXISTS ` +
        `\${database}.name are allowed, so that applying a file twice is harmless; got: ${statement.slice(0, 120)}`,
    );
  }
  const placeholders = statement.match(/\$\{[^}]*\}/g) ?? [];
  const unknown = placeholders.find((placeholder) => placeholder !== DATABASE_PLACEHOLDER);
  if (unknown !== undefined) throw new ClickHouseMigrationError(`${file}: unknown placeholder ${unknown}`);
}

export async function runClickHouseMigrations(
  executor: ClickHouseExecutor,
  options: RunClickHouseMigrationsOptions,
): Promise<ClickHouseMigrationReport> {
  const { database, dir, logger } = options;
  const databaseSql = lit.databaseName(database);
  const migrations = await loadClickHouseMigrations(dir);
  const records = tableRef(database, 'schema_migrations');

  try {
    await executor.command(sql`CREATE DATABASE IF NOT EXISTS ${databaseSql}`);
  } catch (error) {
    if (error instanceof ClickHouseError && error.code === ClickHouseErrorCode.UNKNOWN_DATABASE) {
      throw new ClickHouseMigrationError(
        `cannot create database ${database}: the executor's connection must use a database that exists (e.g. default)`,
        { cause: error },
      );
    }
    throw error;
  }
  await executor.command(
    sql`CREATE TABLE IF NOT EXISTS ${records} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version`,
  );

  const recorded = await executor.query<{ version: number; name: string; checksum: string }>(
    sql`SELECT version, name, checksum FROM ${records} GROUP BY version, name, checksum ORDER BY version`,
  );
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const record of recorded) {
    const migration = byVersion.get(record.version);
    if (migration === undefined) {
      // Normal while an older build runs beside a newer one that migrated first.
      logger?.warn(`ClickHouse ${database}: applied migration ${record.name} is not in ${dir}`);
    } else if (migration.file !== record.name || migration.checksum !== record.checksum) {
      throw new ClickHouseMigrationError(
        `ClickHouse ${database}: ${migration.file} differs from the applied ${record.name} (checksum ${record.checksum}). ` +
          'Applied migrations are append-only: restore the file and add a new numbered migration instead.',
      );
    }
  }

  const appliedVersions = new Set(recorded.map((record) => record.version));
  const report: ClickHouseMigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    if (appliedVersions.has(migration.version)) {
      report.alreadyApplied.push(migration.file);
      continue;
    }
    for (const statement of migration.statements) {
      await executor.command(trustedSqlFromRepositoryFile(statement.split(DATABASE_PLACEHOLDER).join(databaseSql.text)));
    }
    await executor.command(
      sql`INSERT INTO ${records} (version, name, checksum, applied_at) VALUES (${lit.int(migration.version, 'UInt32')}, ${lit.string(
        migration.file,
      )}, ${lit.string(migration.checksum)}, ${lit.dateTime(new Date())})`,
    );
    logger?.info(`ClickHouse ${database}: applied ${migration.file}`);
    report.applied.push(migration.file);
  }
  return report;
}
