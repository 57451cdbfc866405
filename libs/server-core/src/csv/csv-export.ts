import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { microsToDecimal, toBigInt } from '@loupe/metrics';
import { stringify } from 'csv-stringify/sync';

/*
 * Finance CSV (docs/exports.md): RFC 4180 records (CRLF, quotes doubled) in UTF-8,
 * optionally with a BOM for Excel, after a block of `#` comment lines stating what
 * the figures are; streamed with back-pressure; spreadsheet formula injection
 * neutralised; a SHA-256 of the data lines so a file can be checked later.
 */

/**
 * How a column's values are written. The type, not the value, decides whether a cell
 * is a number or text: numeric types accept only exact integers or decimals (so a
 * negative amount such as -12.50 stays a number), and every text cell that a
 * spreadsheet could read as a formula is neutralised.
 */
export type CsvColumnType =
  /** Any text; neutralised when it could start a formula. */
  | 'text'
  /** An exact integer: bigint, safe-integer number or a string of digits. */
  | 'integer'
  /** Integer micros, written as currency units with six places: 12340000 -> 12.340000. */
  | 'money_micros'
  /** An exact decimal string such as "0.0250000000" (e.g. metricToDecimal), or an integer. */
  | 'decimal';

export interface CsvColumn {
  /** The property of each row object this column reads. */
  readonly key: string;
  /** The column's name in the header row. */
  readonly header: string;
  readonly type: CsvColumnType;
}

/** What the comment header states; every figure in the file is to be read with it. */
export interface CsvExportMeta {
  readonly title: string;
  /** e.g. "Acme Shoes (549755813888)". */
  readonly account: string;
  /** e.g. "2026-01-01 to 2026-03-31 (inclusive)". */
  readonly period: string;
  /** IANA zone the days were cut in, e.g. "America/New_York". */
  readonly timezone: string;
  /** ISO 4217 code of every money column. */
  readonly currency: string;
  /** e.g. "click 30 days; engagement 30 days; view 1 day". */
  readonly attributionWindows: string;
  /**
   * When the figures were produced. For a closed period pass the closing time, not
   * "now", so regenerating the file gives the same bytes.
   */
  readonly generatedAt: Date;
  /** Further `key: value` lines (e.g. report id, filters). */
  readonly extra?: readonly (readonly [string, string])[];
}

export type CsvChecksumPlacement =
  /** Streamed: the header says where the checksum is, and the last line carries it. Memory stays flat. */
  | 'trailer'
  /** Bounded exports: rows are rendered first (up to maxBufferedBytes) so the header itself carries the checksum. */
  | 'header';

export interface CsvExportOptions {
  readonly columns: readonly CsvColumn[];
  readonly meta: CsvExportMeta;
  /** Prefix a UTF-8 byte-order mark so Excel opens the file as UTF-8 (default false). */
  readonly bom?: boolean;
  readonly checksum?: CsvChecksumPlacement;
  /** Limit for checksum: 'header' (default 64 MiB); larger exports must stream with 'trailer'. */
  readonly maxBufferedBytes?: number;
  /** Rows rendered per chunk: bounds memory per chunk (default 500). */
  readonly batchSize?: number;
  /**
   * Called with the number of data rows rendered so far, after each chunk (an export
   * job reports it as progress). In the streamed placement a chunk is rendered when
   * the consumer asks for it, so progress follows what the client has received.
   */
  readonly onProgress?: (rowsWritten: number) => void;
}

export type CsvRow = Readonly<Record<string, unknown>>;

export const UTF8_BOM = '\uFEFF';
export const CSV_RECORD_DELIMITER = '\r\n';
/** The header line (or the trailer) that carries the checksum: `# sha256: <hex>; rows: <n>`. */
export const CHECKSUM_KEY = 'sha256';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
/**
 * A text cell a spreadsheet may evaluate: it starts with = + - @ (or their full-width
 * forms, which Apple Numbers folds), a tab or a carriage return — OWASP's list — or
 * with whitespace before one of them (some importers trim leading spaces).
 */
const FORMULA_START = /^(?:[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]|\s+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/** A text cell made inert for spreadsheets: prefixed with a single quote when it could start a formula (OWASP). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The cell text of one value for a column type; throws on a value the type does not allow (a bug upstream, not data). */
export function csvCell(value: unknown, column: CsvColumn): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'text':
      return neutraliseFormula(textOf(value, column));
    case 'integer':
      return integerOf(value, column).toString();
    case 'money_micros':
      return microsToDecimal(integerOf(value, column));
    case 'decimal': {
      if (typeof value === 'string' && DECIMAL.test(value)) return value;
      return integerOf(value, column).toString();
    }
  }
}

/**
 * The export as a byte stream. `rows` is pulled only as fast as the consumer reads
 * (Readable.from over an async generator), so memory stays flat for any size with
 * checksum 'trailer'.
 */
export function createCsvExport(rows: AsyncIterable<CsvRow> | Iterable<CsvRow>, options: CsvExportOptions): Readable {
  assertColumns(options.columns);
  const placement = options.checksum ?? 'trailer';
  const source = placement === 'trailer' ? streamed(rows, options) : buffered(rows, options);
  return Readable.from(source, { objectMode: false, highWaterMark: 64 * 1024 });
}

async function* streamed(rows: AsyncIterable<CsvRow> | Iterable<CsvRow>, options: CsvExportOptions): AsyncGenerator<Buffer> {
  yield Buffer.from((options.bom ? UTF8_BOM : '') + headerBlock(options.meta, null), 'utf8');
  const hash = createHash('sha256');
  let count = 0;
  for await (const chunk of dataChunks(rows, options)) {
    hash.update(chunk.bytes);
    count += chunk.rows;
    if (chunk.rows > 0) options.onProgress?.(count);
    yield chunk.bytes;
  }
  yield Buffer.from(checksumLine(hash.digest('hex'), count), 'utf8');
}

async function* buffered(rows: AsyncIterable<CsvRow> | Iterable<CsvRow>, options: CsvExportOptions): AsyncGenerator<Buffer> {
  const limit = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  let count = 0;
  for await (const chunk of dataChunks(rows, options)) {
    size += chunk.bytes.length;
    if (size > limit) {
      throw new RangeError(`CSV export exceeds ${limit} bytes; stream it with the checksum in the trailer`);
    }
    hash.update(chunk.bytes);
    count += chunk.rows;
    if (chunk.rows > 0) options.onProgress?.(count);
    chunks.push(chunk.bytes);
  }
  yield Buffer.from((options.bom ? UTF8_BOM : '') + headerBlock(options.meta, { sha256: hash.digest('hex'), rows: count }), 'utf8');
  yield* chunks;
}

/** The column row, then the data rows in batches of `batchSize`, each rendered into one chunk. */
async function* dataChunks(
  rows: AsyncIterable<CsvRow> | Iterable<CsvRow>,
  options: CsvExportOptions,
): AsyncGenerator<{ bytes: Buffer; rows: number }> {
  const { columns } = options;
  const batchSize = options.batchSize ?? 500;
  yield { bytes: render([columns.map((column) => neutraliseFormula(column.header))]), rows: 0 };
  let batch: string[][] = [];
  for await (const row of rows) {
    batch.push(columns.map((column) => csvCell(row[column.key], column)));
    if (batch.length >= batchSize) {
      yield { bytes: render(batch), rows: batch.length };
      batch = [];
    }
  }
  if (batch.length > 0) yield { bytes: render(batch), rows: batch.length };
}

const STRINGIFY_OPTIONS = {
  record_delimiter: 'windows',
  // RFC 4180: a field holding CR or LF is quoted (csv-stringify skips this by default once record_delimiter is set).
  quote_record_delimiter: true,
  eof: true,
  // A record starting with # would read as a comment line, and readers that allow
  // comments mid-line (csv-parse's default) would cut a field at #; quoted, it is data.
  quoted_match: /#/,
} as const;

/** Any character that makes csv-stringify quote a field under STRINGIFY_OPTIONS. */
const NEEDS_QUOTING = /[",\r\n#]/;

/**
 * Renders records as RFC 4180 lines. Records with a field that needs quoting go
 * through csv-stringify; the others (most rows: numbers and plain names) are joined
 * directly, which is byte-for-byte what csv-stringify writes for them (a test checks
 * the equivalence on random hostile records) at a fraction of the cost per row.
 */
export function renderCsvRecords(records: readonly (readonly string[])[]): string {
  let out = '';
  for (const record of records) {
    out += record.some((field) => NEEDS_QUOTING.test(field)) ? stringify([record as string[]], STRINGIFY_OPTIONS) : `${record.join(',')}${CSV_RECORD_DELIMITER}`;
  }
  return out;
}

function render(records: string[][]): Buffer {
  return Buffer.from(renderCsvRecords(records), 'utf8');
}

/** The `#` comment block (checksum null: the trailer placement). Values are percent-encoded so a line never splits into cells or lines. */
export function headerBlock(meta: CsvExportMeta, checksum: { sha256: string; rows: number } | null): string {
  const lines: [string, string][] = [
    ['account', meta.account],
    ['period', meta.period],
    ['timezone', meta.timezone],
    ['currency', meta.currency],
    ['attribution windows', meta.attributionWindows],
    ['generated at', meta.generatedAt.toISOString()],
    ['money', `decimal ${meta.currency} with six places (exact integer micros / 1000000)`],
    ...(meta.extra ?? []).map(([key, value]): [string, string] => [key, value]),
  ];
  const checksumLines = checksum
    ? [`# checksum: SHA-256 of the bytes after this header (column row and data rows)${CSV_RECORD_DELIMITER}`, checksumLine(checksum.sha256, checksum.rows)]
    : [`# checksum: SHA-256 of the bytes after this header up to the last line; the last line carries it${CSV_RECORD_DELIMITER}`];
  return [
    `# ${encodeHeaderValue(meta.title)}${CSV_RECORD_DELIMITER}`,
    ...lines.map(([key, value]) => `# ${encodeHeaderValue(key)}: ${encodeHeaderValue(value)}${CSV_RECORD_DELIMITER}`),
    ...checksumLines,
  ].join('');
}

export function checksumLine(sha256: string, rows: number): string {
  return `# ${CHECKSUM_KEY}: ${sha256}; rows: ${rows}${CSV_RECORD_DELIMITER}`;
}

/**
 * Percent-encodes (as UTF-8, like encodeURIComponent) `%`, `,`, `"` and control or
 * line-separator characters. A header line then holds no delimiter, quote or line
 * break, so every CSV reader and spreadsheet keeps it as one cell starting with `#`;
 * decodeURIComponent gives the value back.
 */
export function encodeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[%,"\u0000-\u001f\u007f\u2028\u2029]/g, (ch) => encodeURIComponent(ch));
}

function textOf(value: unknown, column: CsvColumn): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  throw new TypeError(`CSV column ${column.key}: cannot write ${typeof value} as text`);
}

function integerOf(value: unknown, column: CsvColumn): bigint {
  if (typeof value === 'bigint' || typeof value === 'number' || (typeof value === 'string' && INTEGER.test(value))) {
    try {
      return toBigInt(value);
    } catch (error) {
      throw new TypeError(`CSV column ${column.key}: ${(error as Error).message}`);
    }
  }
  throw new TypeError(`CSV column ${column.key} (${column.type}): expected an exact number, got ${JSON.stringify(String(value))}`);
}

function assertColumns(columns: readonly CsvColumn[]): void {
  if (columns.length === 0) throw new RangeError('CSV export needs at least one column');
  const keys = new Set<string>();
  for (const column of columns) {
    if (keys.has(column.key)) throw new RangeError(`CSV column key ${column.key} appears twice`);
    keys.add(column.key);
  }
}
