import { Readable } from 'node:stream';
import { toClickHouseError } from './clickhouse-error';
import { parseJsonEachRow, type ClickHouseExecutor, type ClickHouseStreamFormat } from './clickhouse.executor';
import { sql, type SqlFragment } from './sql-literal';

export interface ChdbExecutorOptions {
  /** Data directory; a temporary one (removed on close) when omitted. */
  path?: string;
}

/**
 * ClickHouseExecutor over embedded chdb (current ClickHouse), for tests and
 * embedded use. chdb is a dev dependency, so it is loaded only when asked for.
 * libchdb holds one data directory per process: close one executor before
 * opening another at a different path (several at the same path are fine).
 */
export async function openChdbExecutor(options: ChdbExecutorOptions = {}): Promise<ClickHouseExecutor & { path: string }> {
  const chdb = await import('chdb');
  const session = new chdb.Session(options.path, {
    // chdb prints 64-bit integers unquoted by default; match the HTTP executor.
    connectionArgs: ['--output_format_json_quote_64bit_integers=1'],
  });

  async function run(statement: SqlFragment): Promise<string> {
    try {
      // queryAsync runs off the event loop, so concurrent callers really overlap.
      const result = await session.queryAsync(statement.text, { format: 'JSONEachRow' });
      return result.text();
    } catch (error) {
      throw toClickHouseError(error, statement.text);
    }
  }

  return {
    path: session.path,
    async command(statement: SqlFragment): Promise<void> {
      await run(statement);
    },
    async query<T>(statement: SqlFragment): Promise<T[]> {
      return parseJsonEachRow<T>(await run(statement), statement.text);
    },
    async ping(): Promise<void> {
      await run(sql`SELECT 1`);
    },
    // chdb hands back a whole result: streamed as one chunk (tests and embedded use; the server streams for real).
    async stream(statement: SqlFragment, format: ClickHouseStreamFormat, settings?: Readonly<Record<string, string | number>>): Promise<Readable> {
      const suffix = Object.entries(settings ?? {}).map(([key, value]) => `${key} = ${Number(value)}`);
      const text = `${statement.text}${suffix.length > 0 ? `\nSETTINGS ${suffix.join(', ')}` : ''}`;
      try {
        const result = await session.queryAsync(text, { format });
        return Readable.from([Buffer.from(result.bytes())]);
      } catch (error) {
        throw toClickHouseError(error, statement.text);
      }
    },
    async close(): Promise<void> {
      session.close();
      // close() returns before the native connection is gone; the next Session must wait.
      await chdb.drainPending();
    },
  };
}
