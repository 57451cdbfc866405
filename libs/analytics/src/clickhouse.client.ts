import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { ClickHouseError, toClickHouseError } from './clickhouse-error';
import { parseJsonEachRow, type ClickHouseExecutor } from './clickhouse.executor';
import { type SqlFragment } from './sql-literal';

export interface ClickHouseHttpOptions {
  /** e.g. http://127.0.0.1:8123 */
  url: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
}

/**
 * ClickHouseExecutor over the HTTP interface, via @clickhouse/client.
 *
 * The client works against 18.16 as long as we only use what 18.16 has: plain
 * POSTed SQL, FORMAT JSONEachRow, no query parameters. It cannot parse 18.16's
 * error text (it gives a bare Error), so every error is mapped here.
 */
export function createClickHouseHttpExecutor(options: ClickHouseHttpOptions): ClickHouseExecutor {
  const client = createClient({
    url: options.url,
    username: options.username ?? 'default',
    password: options.password ?? '',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // The default differs between server versions (and chdb); state it.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    // Errors are mapped and rethrown; the client's own logging would print each twice.
    log: { level: ClickHouseLogLevel.OFF },
  });

  return {
    async command(statement: SqlFragment): Promise<void> {
      try {
        await client.command({ query: statement.text });
      } catch (error) {
        throw toClickHouseError(error, statement.text);
      }
    },

    async query<T>(statement: SqlFragment): Promise<T[]> {
      let body: string;
      try {
        const result = await client.query({ query: statement.text, format: 'JSONEachRow' });
        body = await result.text();
      } catch (error) {
        throw toClickHouseError(error, statement.text);
      }
      return parseJsonEachRow<T>(body, statement.text);
    },

    async ping(): Promise<void> {
      const result = await client.ping();
      if (!result.success) {
        throw new ClickHouseError(null, `ping ${options.url} failed: ${String(result.error)}`, '', { cause: result.error });
      }
    },

    close: () => client.close(),
  };
}
