/**
 * The process bench/export measures: a loopback HTTP server whose GET /export?rows=N
 * streams N rows from ClickHouse (FORMAT TabSeparated over HTTP, read with
 * back-pressure) through createCsvExport (libs/server-core/src/csv, the module every
 * Loupe CSV download goes through) to the client. Started by export.bench.ts with
 * BENCH_PORT (0: any free port) and the ClickHouse settings in its environment; prints
 * "export ready <port>".
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { sql } from '@loupe/analytics';
import { createCsvExport, loadConfig, type CsvRow } from '@loupe/server-core';
import { EXPORT_COLUMNS, exportRowsSql } from './export-rows';

const config = loadConfig();
const port = Number(process.env.BENCH_PORT);
const KEYS = EXPORT_COLUMNS.map((c) => c.key);
const TSV_ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

function clickhouseStream(statement: string): Promise<IncomingMessage> {
  const url = new URL(config.clickhouse.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: { 'X-ClickHouse-User': config.clickhouse.user, 'X-ClickHouse-Key': config.clickhouse.password },
      },
      (res) => (res.statusCode === 200 ? resolve(res) : reject(new Error(`ClickHouse answered ${res.statusCode}`))),
    );
    req.once('error', reject);
    req.end(statement);
  });
}

/** Row objects from a TabSeparated body, pulled as the CSV consumer reads. */
async function* tsvRows(body: IncomingMessage): AsyncGenerator<CsvRow> {
  body.setEncoding('utf8');
  let rest = '';
  for await (const chunk of body as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const fields = line.split('\t');
      const row: Record<string, string> = {};
      for (let i = 0; i < KEYS.length; i++) {
        const field = fields[i]!;
        row[KEYS[i]!] = field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => TSV_ESCAPES[c] ?? c) : field;
      }
      yield row;
    }
  }
}

const server = createServer((req, res) => {
  const rows = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('rows'));
  void (async () => {
    try {
      const body = await clickhouseStream(sql`${exportRowsSql(rows)} FORMAT TabSeparated`.text);
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      const csv = createCsvExport(tsvRows(body), {
        columns: EXPORT_COLUMNS,
        checksum: 'trailer',
        meta: {
          title: 'Loupe bench export',
          account: 'Bench (549755813888)',
          period: '2026-01-01 to 2026-12-31 (inclusive)',
          timezone: 'UTC',
          currency: 'USD',
          attributionWindows: 'click 30 days; view 1 day',
          generatedAt: new Date(),
        },
      });
      await pipeline(csv, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  })();
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`export ready ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
