import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { UTF8_BOM, checksumLine, headerBlock, neutraliseFormula, renderCsvRecords, type CsvColumn, type CsvExportMeta } from './csv-export';

export interface CsvPipeOptions {
  /** The column row's names (neutralised like any text cell); the records must hold the same number of cells. */
  readonly columns: readonly Pick<CsvColumn, 'header'>[];
  readonly meta: CsvExportMeta;
  readonly bom?: boolean;
}

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');

/**
 * A CSV export of records already rendered elsewhere (csvRecordSql: ClickHouse writes
 * each record exactly as createCsvExport would), piped byte for byte: the BOM and the
 * `#` header block first, then the column row, then the records as they arrive, then
 * the trailer `# sha256: <hex>; rows: <n>` — the same file, checksum semantics and
 * trailer placement as createCsvExport with `checksum: 'trailer'` (docs/exports.md).
 *
 * Node touches each chunk once: the hash is updated with the chunk, records are
 * counted by finding the LFs outside quoted fields, and the chunk is passed on. Pipe
 * the source into this Transform with stream.pipeline so a slow reader slows the source
 * (back-pressure). The bytes after the last complete record are held back until more
 * arrive: if the source ends mid-record (ClickHouse appends its exception text to a
 * response it has started), the stream fails instead of writing them, and the file has
 * no trailer, so it cannot pass for complete.
 */
export class CsvPipeExport extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private rows = 0;
  private inQuotes = false;
  private pending: Buffer | null = null;

  constructor(options: CsvPipeOptions) {
    super({ highWaterMark: 64 * 1024 });
    if (options.columns.length === 0) throw new RangeError('CSV export needs at least one column');
    this.push(Buffer.from((options.bom ? UTF8_BOM : '') + headerBlock(options.meta, null), 'utf8'));
    this.forward(Buffer.from(renderCsvRecords([options.columns.map((column) => neutraliseFormula(column.header))]), 'utf8'), false);
  }

  /** Data rows written so far (the column row excluded). */
  get rowsWritten(): number {
    return this.rows;
  }

  override _transform(input: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const chunk = this.pending ? Buffer.concat([this.pending, input]) : input;
    this.pending = null;
    // Records end in CRLF; what follows the last CRLF waits for the next chunk (ClickHouse's error text ends in a bare LF).
    const crlf = chunk.lastIndexOf(CRLF);
    const end = crlf < 0 ? 0 : crlf + 2;
    if (end > 0) this.forward(end === chunk.length ? chunk : chunk.subarray(0, end), true);
    if (end < chunk.length) this.pending = Buffer.from(chunk.subarray(end));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending || this.inQuotes) {
      const tail = (this.pending ?? Buffer.alloc(0)).toString('utf8', 0, 500);
      callback(new Error(`CSV source ended inside a record after ${this.rows} rows: ${tail}`));
      return;
    }
    callback(null, Buffer.from(checksumLine(this.hash.digest('hex'), this.rows), 'utf8'));
  }

  private forward(bytes: Buffer, count: boolean): void {
    this.hash.update(bytes);
    if (count) this.countRecords(bytes);
    this.push(bytes);
  }

  /** Counts record ends: an LF outside a quoted field; `""` inside quotes toggles twice. */
  private countRecords(bytes: Buffer): void {
    let pos = 0;
    let quote = bytes.indexOf(QUOTE);
    while (pos < bytes.length) {
      if (this.inQuotes) {
        const close = bytes.indexOf(QUOTE, pos);
        if (close < 0) return;
        this.inQuotes = false;
        pos = close + 1;
        quote = bytes.indexOf(QUOTE, pos);
        continue;
      }
      const lf = bytes.indexOf(LF, pos);
      if (lf < 0 && quote < 0) return;
      if (lf >= 0 && (quote < 0 || lf < quote)) {
        this.rows += 1;
        pos = lf + 1;
      } else {
        this.inQuotes = true;
        pos = quote + 1;
      }
    }
  }
}
