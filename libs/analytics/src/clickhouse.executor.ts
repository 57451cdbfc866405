import type { Readable } from 'node:stream';
import { ClickHouseError, parseServerError } from './clickhouse-error';
import { sql, type SqlFragment } from './sql-literal';

/**
 * What the app needs from ClickHouse, over the HTTP server or embedded chdb.
 *
 * One statement per call (the HTTP interface runs one per request). Statements
 * name tables with their database (`schema.ts` `tableRef`), so executors carry
 * no default database and behave the same on both engines.
 */
export interface ClickHouseExecutor {
  /** Runs a statement that returns no rows (DDL, INSERT). */
  command(statement: SqlFragment): Promise<void>;
  /**
   * Runs a SELECT and returns its rows as parsed JSONEachRow. 64-bit integers
   * arrive as strings (both engines are told to quote them), so they never
   * lose precision; smaller integers arrive as numbers.
   */
  query<T = Record<string, unknown>>(statement: SqlFragment): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs a SELECT and returns its output in `format` as a byte stream, read with
   * back-pressure (HTTP: straight from the server's response, so a large result never
   * sits in memory; destroying the stream closes the connection and ClickHouse cancels
   * the query). Resolves once the server has accepted the query; an error the server
   * reports after it started answering ends the stream mid-record (the reader checks).
   * Optional: executors that cannot stream leave it out.
   */
  stream?(statement: SqlFragment, format: ClickHouseStreamFormat, settings?: Readonly<Record<string, string | number>>): Promise<Readable>;
}

/** Output formats `stream` writes: TabSeparatedRaw writes each String column as is (no escaping). */
export type ClickHouseStreamFormat = 'TabSeparatedRaw' | 'CSV' | 'CSVWithNames';

export interface ClickHouseServerVersion {
  text: string;
  major: number;
  minor: number;
}

/** The engine's version, for the one place that has to branch on it. */
export async function serverVersion(executor: ClickHouseExecutor): Promise<ClickHouseServerVersion> {
  const [row] = await executor.query<{ version: string }>(sql`SELECT version() AS version`);
  const [major, minor] = (row?.version ?? '').split('.').map(Number);
  return { text: row?.version ?? '', major: major ?? Number.NaN, minor: minor ?? Number.NaN };
}

/** Parses a JSONEachRow body; a server error appended mid-stream becomes a ClickHouseError. */
export function parseJsonEachRow<T>(body: string, statement: string): T[] {
  const rows: T[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (error) {
      const parsed = parseServerError(line);
      throw new ClickHouseError(parsed?.code ?? null, parsed?.message ?? `unparseable result line: ${line.slice(0, 200)}`, statement, {
        cause: error,
      });
    }
  }
  return rows;
}
