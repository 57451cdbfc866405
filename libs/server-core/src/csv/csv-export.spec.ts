import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { verifyCsvChecksum } from './csv-checksum';
import {
  type CsvColumn,
  type CsvExportOptions,
  type CsvRow,
  createCsvExport,
  csvCell,
  encodeHeaderValue,
  neutraliseFormula,
  renderCsvRecords,
} from './csv-export';

const COLUMNS: CsvColumn[] = [
  { key: 'name', header: 'Campaign', type: 'text' },
  { key: 'impressions', header: 'Impressions', type: 'integer' },
  { key: 'spend', header: 'Spend', type: 'money_micros' },
  { key: 'ctr', header: 'CTR', type: 'decimal' },
];

const META: CsvExportOptions['meta'] = {
  title: 'Loupe spend by campaign',
  account: 'Acme, "Shoes"\nLtd =cmd|x (549755813888)',
  period: '2026-01-01 to 2026-03-31 (inclusive)',
  timezone: 'America/New_York',
  currency: 'USD',
  attributionWindows: 'click 30 days; engagement 30 days; view 1 day',
  generatedAt: new Date('2026-04-01T04:00:00.000Z'),
};

/** Strings that break naive CSV writers or trigger spreadsheet formulas. */
const HOSTILE = [
  'plain',
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
  '  =1+1',
  '=HYPERLINK("http://evil.example","click")',
  '＝1+1',
  '#not a comment',
  'mid # hash',
  '',
  "'already quoted",
  'trailing space ',
];

async function collect(options: CsvExportOptions, rows: Iterable<CsvRow> | AsyncIterable<CsvRow>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createCsvExport(rows, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function hostileRows(): CsvRow[] {
  return HOSTILE.map((name, i) => ({
    name,
    impressions: i % 2 === 0 ? i * 1000 : BigInt(-i),
    spend: i === 3 ? -12_500_000n : BigInt(i) * 1_234_567n,
    ctr: i === 0 ? null : `0.${String(i).padStart(10, '0')}`,
  }));
}

const parseCsv = (bytes: Buffer | string): string[][] =>
  parse(bytes, { bom: true, comment: '#', record_delimiter: '\r\n', relax_column_count: false }) as string[][];

describe('CSV export: RFC 4180', () => {
  it('round-trips hostile strings through csv-parse, CRLF-delimited, text cells neutralised', async () => {
    const bytes = await collect({ columns: COLUMNS, meta: META }, hostileRows());
    const records = parseCsv(bytes);
    expect(records[0]).toEqual(['Campaign', 'Impressions', 'Spend', 'CTR']);
    expect(records.slice(1).map((record) => record[0])).toEqual(HOSTILE.map(neutraliseFormula));
    expect(records).toHaveLength(HOSTILE.length + 1);
    // Every record ends in CRLF: parsing with CRLF as the only delimiter gave every row back whole.
    expect(bytes.subarray(-2).toString()).toBe('\r\n');
  });

  it('quotes fields with commas, quotes, line breaks and #, doubling inner quotes', async () => {
    const text = (await collect({ columns: [COLUMNS[0]!], meta: META }, HOSTILE.map((name) => ({ name })))).toString('utf8');
    expect(text).toContain('\r\n"with,comma"\r\n');
    expect(text).toContain('\r\n"with ""quotes"" inside"\r\n');
    expect(text).toContain('\r\n"line\nbreak"\r\n');
    expect(text).toContain('\r\n"crlf\r\nbreak"\r\n');
    expect(text).toContain('\r\n"\'\rCR"\r\n');
    expect(text).toContain('\r\n"""starts with a quote"\r\n');
    expect(text).toContain('\r\n"#not a comment"\r\n');
    expect(text).toContain('\r\n"mid # hash"\r\n');
    expect(text).toContain('\r\nplain\r\n');
  });

  it('writes money as exact decimals of micros and keeps negative numbers numeric', async () => {
    const records = parseCsv(await collect({ columns: COLUMNS, meta: META }, hostileRows()));
    expect(records[1]).toEqual(['plain', '0', '0.000000', '']);
    expect(records[2]![1]).toBe('-1');
    expect(records[4]).toEqual(['"starts with a quote', '-3', '-12.500000', '0.0000000003']);
    expect(records[3]![2]).toBe('2.469134');
  });

  it('renders exactly what csv-stringify writes, for random hostile records (the plain-record fast path changes no byte)', () => {
    const alphabet = ['a', 'Z', '0', ' ', ',', '"', '\r', '\n', '\r\n', '#', 'é', '日', '🎉', "'", '=', '-', '\t', ';'];
    let state = 42;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const records: string[][] = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + next(5) }, () => Array.from({ length: next(7) }, () => alphabet[next(alphabet.length)]!).join('')),
    );
    const options = { record_delimiter: 'windows', quote_record_delimiter: true, eof: true, quoted_match: /#/ } as const;
    expect(renderCsvRecords(records)).toBe(stringify(records, options));
    expect(records.filter((record) => record.some((field) => /[",\r\n#]/.test(field))).length).toBeGreaterThan(1000);
    expect(records.filter((record) => !record.some((field) => /[",\r\n#]/.test(field))).length).toBeGreaterThan(300);
    // And the lines parse back to the same fields.
    expect(parse(renderCsvRecords(records), { record_delimiter: '\r\n', relax_column_count: true })).toEqual(records);
  });

  it('writes integers and money beyond 2^53 without losing a digit', () => {
    expect(csvCell(2n ** 64n + 1n, { key: 'x', header: 'x', type: 'money_micros' })).toBe('18446744073709.551617');
    expect(csvCell('18446744073709551617', { key: 'x', header: 'x', type: 'integer' })).toBe('18446744073709551617');
  });
});

describe('CSV export: BOM', () => {
  it('starts with the UTF-8 BOM only when asked', async () => {
    const withBom = await collect({ columns: COLUMNS, meta: META, bom: true }, hostileRows());
    const without = await collect({ columns: COLUMNS, meta: META }, hostileRows());
    expect([...withBom.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x23]);
    expect(without[0]).toBe(0x23); // '#'
    expect(withBom.subarray(3).equals(without)).toBe(true);
    expect(parseCsv(withBom)).toEqual(parseCsv(without));
  });
});

describe('CSV export: formula injection', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tTab', '\rCR', ' =1', '\n-2', '＝1', '＋1', '－1', '＠x'])(
    'prefixes a text cell starting %j with a single quote',
    (text) => {
      expect(csvCell(text, COLUMNS[0]!)).toBe(`'${text}`);
    },
  );

  it.each(['plain', 'a=b', '1+1', '', '#tag', "'quoted"])('leaves the harmless text cell %j alone', (text) => {
    expect(csvCell(text, COLUMNS[0]!)).toBe(text);
  });

  it('treats numbers in a text column as text (the column type decides)', () => {
    expect(csvCell(-5, COLUMNS[0]!)).toBe("'-5");
  });

  it('keeps negative numbers numeric in numeric columns', () => {
    expect(csvCell(-12, { key: 'n', header: 'n', type: 'integer' })).toBe('-12');
    expect(csvCell(-12_500_000n, { key: 'm', header: 'm', type: 'money_micros' })).toBe('-12.500000');
    expect(csvCell('-0.25', { key: 'd', header: 'd', type: 'decimal' })).toBe('-0.25');
  });

  it('refuses anything but an exact number in a numeric column, so a formula cannot hide there', () => {
    const integer: CsvColumn = { key: 'n', header: 'n', type: 'integer' };
    const decimal: CsvColumn = { key: 'd', header: 'd', type: 'decimal' };
    const money: CsvColumn = { key: 'm', header: 'm', type: 'money_micros' };
    expect(() => csvCell('=1+1', integer)).toThrow(/expected an exact number/);
    expect(() => csvCell('-1+2', decimal)).toThrow(/expected an exact number/);
    expect(() => csvCell(1.5, money)).toThrow(/safe integer/);
    expect(() => csvCell('1e3', decimal)).toThrow(TypeError);
    expect(() => csvCell(Number.NaN, integer)).toThrow(TypeError);
  });

  it('neutralises column names too', async () => {
    const records = parseCsv(await collect({ columns: [{ key: 'a', header: '=evil()', type: 'text' }], meta: META }, []));
    expect(records).toEqual([["'=evil()"]]);
  });

  it('fails the stream, naming the column, when a row carries a value its column cannot hold', async () => {
    await expect(collect({ columns: COLUMNS, meta: META }, [{ name: 'x', impressions: 0.5 }])).rejects.toThrow(/CSV column impressions/);
  });
});

describe('CSV export: header block', () => {
  it('states account, period, timezone, currency, attribution windows and generation time as # lines', async () => {
    const text = (await collect({ columns: COLUMNS, meta: META }, hostileRows())).toString('utf8');
    const header = text.slice(0, text.indexOf('Campaign,'));
    const lines = header.split('\r\n').filter(Boolean);
    expect(lines.every((line) => line.startsWith('# '))).toBe(true);
    expect(lines).toEqual([
      '# Loupe spend by campaign',
      '# account: Acme%2C %22Shoes%22%0ALtd =cmd|x (549755813888)',
      '# period: 2026-01-01 to 2026-03-31 (inclusive)',
      '# timezone: America/New_York',
      '# currency: USD',
      '# attribution windows: click 30 days; engagement 30 days; view 1 day',
      '# generated at: 2026-04-01T04:00:00.000Z',
      '# money: decimal USD with six places (exact integer micros / 1000000)',
      '# checksum: SHA-256 of the bytes after this header up to the last line; the last line carries it',
    ]);
    // No header line can split into cells or lines, or hold a quote.
    expect(lines.some((line) => /[,"\r\n]/.test(line))).toBe(false);
  });

  it('encodes header values reversibly', () => {
    for (const value of HOSTILE) expect(decodeURIComponent(encodeHeaderValue(value))).toBe(value);
    expect(encodeHeaderValue('100% sure, "ok"')).toBe('100%25 sure%2C %22ok%22');
  });

  it('gives the decoded header back from the verifier', async () => {
    const result = await verifyCsvChecksum(await collect({ columns: COLUMNS, meta: { ...META, extra: [['report', 'r,1']] } }, []));
    expect(result.meta).toMatchObject({
      title: 'Loupe spend by campaign',
      account: META.account,
      timezone: 'America/New_York',
      currency: 'USD',
      'attribution windows': META.attributionWindows,
      'generated at': '2026-04-01T04:00:00.000Z',
      report: 'r,1',
    });
  });

  it('is byte-identical when regenerated from the same rows and metadata', async () => {
    const a = await collect({ columns: COLUMNS, meta: META, checksum: 'header' }, hostileRows());
    const b = await collect({ columns: COLUMNS, meta: META, checksum: 'header' }, hostileRows());
    expect(a.equals(b)).toBe(true);
  });
});

describe('CSV export: checksum', () => {
  it.each(['trailer', 'header'] as const)('verifies a file with the checksum in the %s, with and without BOM', async (checksum) => {
    for (const bom of [false, true]) {
      const bytes = await collect({ columns: COLUMNS, meta: META, checksum, bom }, hostileRows());
      const result = await verifyCsvChecksum(bytes);
      expect(result).toMatchObject({ valid: true, placement: checksum, rows: HOSTILE.length });
      expect(result.expected).toBe(result.actual);
    }
  });

  it('puts the checksum in the last line when streaming, and in the header when bounded', async () => {
    const trailer = (await collect({ columns: COLUMNS, meta: META }, hostileRows())).toString('utf8');
    expect(trailer).toMatch(/\r\n# sha256: [0-9a-f]{64}; rows: 21\r\n$/);
    const header = (await collect({ columns: COLUMNS, meta: META, checksum: 'header' }, hostileRows())).toString('utf8');
    expect(header).toMatch(/^# Loupe spend by campaign\r\n(# [^\r\n]*\r\n)*# sha256: [0-9a-f]{64}; rows: 21\r\nCampaign,/);
  });

  it('hashes exactly the column row and data rows (same digest in both placements)', async () => {
    const a = await verifyCsvChecksum(await collect({ columns: COLUMNS, meta: META }, hostileRows()));
    const b = await verifyCsvChecksum(await collect({ columns: COLUMNS, meta: { ...META, generatedAt: new Date(0) }, checksum: 'header' }, hostileRows()));
    expect(a.actual).toBe(b.actual);
  });

  it('detects a changed cell, a dropped row and a missing checksum', async () => {
    for (const checksum of ['trailer', 'header'] as const) {
      const text = (await collect({ columns: COLUMNS, meta: META, checksum }, hostileRows())).toString('utf8');
      const changed = text.replace('\r\nplain,0,0.000000,\r\n', '\r\nplain,0,0.000001,\r\n');
      expect(changed).not.toBe(text);
      expect(await verifyCsvChecksum(changed)).toMatchObject({ valid: false, placement: checksum });
      const dropped = text.replace(/\r\n"with,comma"[^\r]*\r\n/, '\r\n');
      expect(dropped).not.toBe(text);
      expect((await verifyCsvChecksum(dropped)).valid).toBe(false);
    }
    const stripped = (await collect({ columns: COLUMNS, meta: META }, hostileRows())).toString('utf8').replace(/# sha256: [^\r]*\r\n$/, '');
    expect(await verifyCsvChecksum(stripped)).toMatchObject({ valid: false, placement: null, expected: null });
  });

  it('verifies a stream delivered in arbitrary small chunks', async () => {
    for (const checksum of ['trailer', 'header'] as const) {
      const bytes = await collect({ columns: COLUMNS, meta: META, checksum, bom: true }, hostileRows());
      for (const size of [1, 7, 4096]) {
        const pieces = async function* () {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        };
        expect({ size, checksum, valid: (await verifyCsvChecksum(pieces())).valid }).toEqual({ size, checksum, valid: true });
      }
    }
  });

  it('refuses to buffer a bounded export beyond its limit', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `row ${i}`, impressions: i }));
    await expect(collect({ columns: COLUMNS, meta: META, checksum: 'header', maxBufferedBytes: 4096 }, rows)).rejects.toThrow(/exceeds 4096 bytes/);
  });
});

describe('CSV export: progress', () => {
  it('reports the rows written after each chunk, ending at the row count', async () => {
    for (const checksum of ['trailer', 'header'] as const) {
      const seen: number[] = [];
      const rows = Array.from({ length: 1234 }, (_, i) => ({ name: `r${i}`, impressions: i }));
      await collect({ columns: COLUMNS, meta: META, checksum, batchSize: 500, onProgress: (n) => seen.push(n) }, rows);
      expect(seen).toEqual([500, 1000, 1234]);
    }
  });
});

describe('CSV export: streaming with back-pressure', () => {
  it('pulls rows only as fast as the consumer reads', async () => {
    let produced = 0;
    async function* rows(): AsyncGenerator<CsvRow> {
      for (let i = 0; i < 1_000_000; i += 1) {
        produced += 1;
        yield { name: `campaign ${i}`, impressions: i, spend: i * 1000, ctr: '0.5' };
      }
    }
    const stream = createCsvExport(rows(), { columns: COLUMNS, meta: META, batchSize: 100 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // Give an eager producer every chance to run ahead while nobody reads.
    for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
    // One 64 KiB buffer of ~40-byte rows plus a batch or two in flight: a few thousand rows, not a million.
    expect(produced).toBeLessThan(5_000);
    const before = produced;
    await iterator.next();
    await iterator.next();
    expect(produced).toBeGreaterThan(before);
    stream.destroy();
  });

  it(
    'streams a million rows through a slow consumer with memory staying flat',
    async () => {
      const rowCount = 1_000_000;
      async function* rows(): AsyncGenerator<CsvRow> {
        for (let i = 0; i < rowCount; i += 1) {
          yield { name: `campaign number ${i} with a longer name, "quoted"`, impressions: i, spend: BigInt(i) * 1_000_003n, ctr: '0.0123456789' };
        }
      }
      const used = () => {
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      const baseline = used();
      let peak = 0;
      let bytes = 0;
      let writes = 0;
      const slowConsumer = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          writes += 1;
          if (writes % 64 === 0) peak = Math.max(peak, used() - baseline);
          // Yield to the event loop on every chunk: the producer must wait for us.
          setImmediate(done);
        },
      });
      await pipeline(createCsvExport(rows(), { columns: COLUMNS, meta: META }), slowConsumer);
      // ~90 MB went through; had the export buffered it, the heap would have grown by as much.
      expect(bytes).toBeGreaterThan(80 * 1024 * 1024);
      expect(peak).toBeLessThan(48 * 1024 * 1024);
    },
    180_000,
  );
});
