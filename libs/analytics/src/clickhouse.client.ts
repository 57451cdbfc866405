import { Agent, request } from 'node:http';
import type { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { ClickHouseError, toClickHouseError } from './clickhouse-error';
import { parseJsonEachRow, type ClickHouseExecutor, type ClickHouseStreamFormat } from './clickhouse.executor';
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
/** 64-bit integers as JSON strings, so they never lose precision (as the client is told below). */
const JSON_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

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

  // Streams use their own keep-alive sockets (the client's pool parses every response).
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });

  return {
    async command(statement: SqlFragment): Promise<void> {
      try {
        await client.command({ query: statement.text });
      } catch (error) {
        throw toClickHouseError(error, statement.text);
      }
    },

    /**
     * SELECTs go over the keep-alive agent as a plain POST, as `stream` does: on small
     * dashboard reads @clickhouse/client's own request handling cost ~2 ms a query
     * (a third of a typical rollup read here, docs/reports.md "Benchmark").
     */
    async query<T>(statement: SqlFragment): Promise<T[]> {
      const response = await streamOverHttp(options, agent, statement, 'JSONEachRow', JSON_SETTINGS);
      let body: string;
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        body = Buffer.concat(chunks).toString('utf8');
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

    stream: (statement, format, settings) => streamOverHttp(options, agent, statement, format, settings ?? {}),

    close: async () => {
      agent.destroy();
      await client.close();
    },
  };
}

/**
 * POSTs the statement with `FORMAT <format>` and resolves with the response body once
 * the server answers 200 (ClickHouse sends its headers with the first block of output).
 * The body is the socket's stream: it is read only as fast as the caller reads it.
 *
 * Keep-alive race: ClickHouse closes an idle connection after its keep_alive_timeout
 * (3 s on 18.16), and a request the agent sends on such a socket just as it closes
 * fails with ECONNRESET before any answer. Only SELECTs come through here, and nothing
 * was answered, so such a request is sent again once on a fresh connection (as Node's
 * documentation advises for `request.reusedSocket`).
 */
function streamOverHttp(
  options: ClickHouseHttpOptions,
  agent: Agent,
  statement: SqlFragment,
  format: ClickHouseStreamFormat | 'JSONEachRow',
  settings: Readonly<Record<string, string | number>>,
  retriedStaleSocket = false,
): Promise<Readable> {
  const url = new URL(options.url);
  const search = new URLSearchParams(Object.entries(settings).map(([key, value]): [string, string] => [key, String(value)]));
  const text = `${statement.text}\nFORMAT ${format}`;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `${url.pathname}${search.size > 0 ? `?${search.toString()}` : ''}`,
        agent,
        headers: {
          'X-ClickHouse-User': options.username ?? 'default',
          'X-ClickHouse-Key': options.password ?? '',
          'Content-Type': 'text/plain; charset=utf-8',
        },
      },
      (res) => {
        answered = true;
        // The timeout bounds the wait for an answer; once rows flow, a slow reader may pause the socket.
        req.setTimeout(0);
        if (res.statusCode === 200) {
          resolve(res);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => reject(toClickHouseError(new Error(Buffer.concat(chunks).toString('utf8')), statement.text)));
        res.once('error', (error) => reject(toClickHouseError(error, statement.text)));
      },
    );
    req.setTimeout(options.requestTimeoutMs ?? 30_000, () => req.destroy(new Error(`no answer from ClickHouse within ${options.requestTimeoutMs ?? 30_000} ms`)));
    req.once('error', (error: NodeJS.ErrnoException) => {
      if (!answered && !retriedStaleSocket && req.reusedSocket && error.code === 'ECONNRESET') {
        streamOverHttp(options, agent, statement, format, settings, true).then(resolve, reject);
        return;
      }
      reject(toClickHouseError(error, statement.text));
    });
    req.end(text);
  });
}
