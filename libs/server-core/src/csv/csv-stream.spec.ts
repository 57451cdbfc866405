import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { verifyCsvChecksum } from './csv-checksum';
import { type CsvColumn, type CsvExportMeta, createCsvExport, csvCell, renderCsvRecords } from './csv-export';
import { CsvPipeExport } from './csv-stream';

const COLUMNS: CsvColumn[] = [
  { key: 'name', header: 'Name', type: 'text' },
  { key: 'spend', header: '=Spend', type: 'money_micros' },
];
const META: CsvExportMeta = {
  title: 'Loupe billable events',
  account: 'Acme, Inc (1)',
  period: '2026-01-01 to 2026-01-31 (inclusive)',
  timezone: 'America/New_York',
  currency: 'USD',
  attributionWindows: 'none',
  generatedAt: new Date('2026-02-01T05:00:00.000Z'),
};
const NAMES = ['plain', 'crlf\r\nin "quotes"', '=1+1', 'a,b', '""', 'line\nbreak', '#hash', 'ünï 🎉'];
const ROWS = Array.from({ length: 300 }, (_, i) => ({ name: NAMES[i % NAMES.length]!, spend: BigInt(i * 1_234_567 - 50_000_000) }));

/** The records as ClickHouse would send them (csvRecordSql), cut into chunks of `size` bytes. */
function chunks(size: number): Buffer[] {
  const bytes = Buffer.from(renderCsvRecords(ROWS.map((row) => COLUMNS.map((column) => csvCell(row[column.key as 'name' | 'spend'], column)))), 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function collect(source: Readable, options: ConstructorParameters<typeof CsvPipeExport>[0]): Promise<Buffer> {
  const pipe = new CsvPipeExport(options);
  const out: Buffer[] = [];
  pipe.on('data', (chunk: Buffer) => out.push(chunk));
  await pipeline(source, pipe);
  return Buffer.concat(out);
}

describe('CsvPipeExport', () => {
  it.each([1, 7, 64, 100_000])('writes exactly the file createCsvExport writes for the same rows (source chunks of %i bytes)', async (size) => {
    const piped = await collect(Readable.from(chunks(size)), { columns: COLUMNS, meta: META, bom: true });
    const reference: Buffer[] = [];
    for await (const chunk of createCsvExport(ROWS, { columns: COLUMNS, meta: META, bom: true })) reference.push(chunk as Buffer);
    expect(piped.equals(Buffer.concat(reference))).toBe(true);
    const check = await verifyCsvChecksum(piped);
    expect(check).toMatchObject({ valid: true, placement: 'trailer', rows: ROWS.length });
  });

  it('writes the header, the column row and a valid trailer for no rows', async () => {
    const text = (await collect(Readable.from([]), { columns: COLUMNS, meta: META })).toString('utf8');
    expect(text).toMatch(/^# Loupe billable events\r\n/);
    expect(text).toMatch(/\r\nName,'=Spend\r\n# sha256: [0-9a-f]{64}; rows: 0\r\n$/);
    expect(await verifyCsvChecksum(text)).toMatchObject({ valid: true, rows: 0 });
  });

  it('fails, writing no trailer, when the source ends inside a record (ClickHouse appends its error to a started answer)', async () => {
    const source = Readable.from([...chunks(50), Buffer.from('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded\n')]);
    const pipe = new CsvPipeExport({ columns: COLUMNS, meta: META });
    const out: Buffer[] = [];
    pipe.on('data', (chunk: Buffer) => out.push(chunk));
    // The error text ends in a bare LF: nothing after the last CRLF-terminated record is passed on.
    await expect(pipeline(source, pipe)).rejects.toThrow();
    const text = Buffer.concat(out).toString('utf8');
    expect(text).not.toContain('# sha256:');
    expect((await verifyCsvChecksum(text)).valid).toBe(false);
  });

  it('fails when the source ends without its last line end', async () => {
    const all = Buffer.concat(chunks(1_000_000));
    await expect(collect(Readable.from([all.subarray(0, all.length - 1)]), { columns: COLUMNS, meta: META })).rejects.toThrow(/ended inside a record/);
  });
});
