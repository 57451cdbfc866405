import { parse } from 'csv-parse/sync';
import { createClickHouseHttpExecutor, lit, openChdbExecutor, sql, type ClickHouseExecutor, type SqlFragment } from '@loupe/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvColumn, csvCell, neutraliseFormula, renderCsvRecords } from './csv-export';
import { csvCellSql, csvRecordSql } from './csv-sql';

/*
 * ClickHouse renders the billable-events export's records (csv-sql.ts). These tests
 * hold it to the CSV module: for hostile values, the record ClickHouse writes is byte
 * for byte what csvCell + renderCsvRecords (csv-stringify) write for the same cells,
 * on the 18.16 server and on chdb (current ClickHouse).
 */

const TEXT: CsvColumn = { key: 't', header: 't', type: 'text' };
const INTEGER: CsvColumn = { key: 'i', header: 'i', type: 'integer' };
const MONEY: CsvColumn = { key: 'm', header: 'm', type: 'money_micros' };

const HOSTILE = [
  'plain',
  '',
  'with,comma',
  'with "quotes" inside',
  '"starts with a quote',
  'line\nbreak',
  'crlf\r\nbreak',
  'ünïcödé 日本語 🎉 \u2028 sep',
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\tTab',
  '\rCR',
  '\nLF first',
  '  =1+1',
  ' \t+x',
  '\u00a0=x',
  '\u3000@x',
  '\ufeff-1',
  '\u2003\u2028＝1',
  ' plain with space',
  '=HYPERLINK("http://evil.example","click")',
  '＝1+1',
  '＋1',
  '－1',
  '＠x',
  'ｘ＝1',
  '#not a comment',
  'mid # hash',
  "'already quoted",
  'a=b',
  '1+1',
  'trailing space ',
  '\u00ff\u00e9',
  'tab\tinside',
  '\\backslash\\',
  'semi;colon',
];
const INTEGERS = [0n, 1n, -1n, 9_007_199_254_740_993n, -9_223_372_036_854_775_807n, 18_446_744_073_709_551_615n];
const MICROS = [0n, 1n, -1n, 999_999n, -999_999n, 1_000_000n, -12_500_000n, 12_340_000n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_807n];

async function rendered(executor: ClickHouseExecutor, select: SqlFragment): Promise<string> {
  const stream = await executor.stream!(select, 'TabSeparatedRaw');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One SELECT returning one record per value, in order (arrayJoin over an array keeps it). */
function recordsSql(values: readonly SqlFragment[], cell: (value: SqlFragment) => SqlFragment): SqlFragment {
  return sql`SELECT ${csvRecordSql([cell(sql`v`), sql`toString(i)`])} FROM (SELECT arrayJoin(arrayEnumerate(values)) AS i, values[i] AS v FROM (SELECT [${sql.join(values)}] AS values))`;
}

const expected = (cells: readonly string[]): string => renderCsvRecords(cells.map((cell, i) => [cell, String(i + 1)]));

const ENGINES: { name: string; open: () => Promise<ClickHouseExecutor> }[] = [
  { name: 'clickhouse-server 18.16 (HTTP)', open: async () => createClickHouseHttpExecutor({ url: process.env['LOUPE_TEST_CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123' }) },
  { name: 'chdb (current ClickHouse)', open: () => openChdbExecutor() },
];

describe.each(ENGINES)('CSV cells rendered by ClickHouse: $name', ({ open }) => {
  let executor: ClickHouseExecutor;
  beforeAll(async () => {
    executor = await open();
  });
  afterAll(async () => {
    await executor.close();
  });

  it('writes text cells as csvCell + csv-stringify do: neutralised, then quoted when needed', async () => {
    const out = await rendered(executor, recordsSql(HOSTILE.map((s) => lit.string(s)), (v) => csvCellSql(v, 'text')));
    expect(out).toBe(expected(HOSTILE.map((s) => csvCell(s, TEXT))));
    // The list exercises both sides of each rule.
    expect(HOSTILE.filter((s) => neutraliseFormula(s) !== s).length).toBeGreaterThan(15);
    expect(HOSTILE.filter((s) => neutraliseFormula(s) === s).length).toBeGreaterThan(15);
  });

  it('writes integers and money micros exactly, by integer arithmetic', async () => {
    const signed = INTEGERS.filter((x) => x < 2n ** 63n);
    const unsigned = INTEGERS.filter((x) => x >= 0n);
    const ints = await rendered(executor, recordsSql(signed.map((x) => sql`toInt64(${lit.int(x, 'Int64')})`), (v) => csvCellSql(v, 'integer')));
    expect(ints).toBe(expected(signed.map((x) => csvCell(x, INTEGER))));
    const uints = await rendered(executor, recordsSql(unsigned.map((x) => sql`toUInt64(${lit.int(x, 'UInt64')})`), (v) => csvCellSql(v, 'integer')));
    expect(uints).toBe(expected(unsigned.map((x) => csvCell(x, INTEGER))));
    const money = await rendered(executor, recordsSql(MICROS.map((x) => sql`toInt64(${lit.int(x, 'Int64')})`), (v) => csvCellSql(v, 'money_micros')));
    expect(money).toBe(expected(MICROS.map((x) => csvCell(x, MONEY))));
    expect(money).toContain('\r\n-12.500000,7\r\n');
  });

  it('rejects with the server error when the statement fails before any row', async () => {
    await expect(executor.stream!(sql`SELECT no_such_column FROM system.one`, 'TabSeparatedRaw')).rejects.toMatchObject({ name: 'ClickHouseError', code: 47 });
  });

  it('writes an empty cell for NULL', async () => {
    const out = await rendered(executor, sql`SELECT ${csvRecordSql([csvCellSql(sql`CAST(NULL AS Nullable(String))`, 'text'), csvCellSql(sql`CAST(NULL AS Nullable(Int64))`, 'money_micros')])}`);
    expect(out).toBe(',\r\n');
  });

  it("differs from ClickHouse's own FORMAT CSV only in bytes, not in cells (why the export does not use it)", async () => {
    const cells = HOSTILE.map((s) => csvCell(s, TEXT));
    const stream = await executor.stream!(sql`SELECT v FROM (SELECT arrayJoin(arrayEnumerate(values)) AS i, values[i] AS v FROM (SELECT [${sql.join(cells.map((s) => lit.string(s)))}] AS values))`, 'CSV');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const native = Buffer.concat(chunks).toString('utf8');
    // Same cells back through csv-parse...
    expect((parse(native, { relax_quotes: false }) as string[][]).map((r) => r[0])).toEqual(cells);
    // ...but LF line ends and every string quoted: not RFC 4180's CRLF, nor csv-stringify's bytes (the checksum covers bytes).
    expect(native).not.toBe(renderCsvRecords(cells.map((c) => [c])));
    expect(native.startsWith('"plain"\n')).toBe(true);
  });
});
