import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lit, openChdbExecutor, sql, type ClickHouseExecutor, type IntInput, type IntType, type SqlFragment } from '../src';
import { ENGINES, uniqueDatabase } from './support/engines';

/** Every literal the formatter renders must read back unchanged on 18.16 and on current ClickHouse. */

const HOSTILE_STRINGS = [
  '',
  ' ',
  "'",
  "''",
  '\\',
  "\\'",
  "\\\\'",
  'a\\',
  "'; DROP TABLE x; --",
  "x' OR 1=1 --",
  "') UNION ALL SELECT 1 --",
  '\0',
  'a\0b',
  '\n',
  '\r\n',
  '\t',
  '\b\f\v\x07',
  '\x01\x02\x1b\x1f\x7f',
  '\u0080\u0085\u009f',
  'é',
  'e\u0301',
  '東京',
  '😀',
  '\u{1d11e}\u{10ffff}',
  '\uFEFF',
  '\u2028\u2029',
  '\uFFFE\uFFFF',
  '"',
  '`',
  '{x:String}',
  '${database}',
  '?',
  '%s',
  '$1',
  '/* */',
  '-- comment',
  '\\x41',
  '\\u0041',
  '\\N',
  '\\e\\Z\\0',
  'NULL',
  'ᚠᛇᚻ᛫ᛒᛦᚦ',
  'x'.repeat(5000),
];

/** mulberry32: a fixed seed makes a failure reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomStrings(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const specials = ['\'', '\\', '"', '`', ';', '-', '/', '*', '{', '}', '$', '?', '%', '\n', '\r', '\0'];
  const char = (): string => {
    const kind = random();
    if (kind < 0.3) return String.fromCodePoint(pick(0x20, 0x7e));
    if (kind < 0.45) return String.fromCodePoint(random() < 0.9 ? pick(0x00, 0x1f) : 0x7f);
    if (kind < 0.65) return specials[pick(0, specials.length - 1)];
    if (kind < 0.85) {
      const code = pick(0x80, 0xffff - 0x800);
      return String.fromCodePoint(code >= 0xd800 ? code + 0x800 : code); // skip the surrogate block
    }
    return String.fromCodePoint(pick(0x10000, 0x10ffff));
  };
  return Array.from({ length: count }, () => Array.from({ length: pick(0, 32) }, char).join(''));
}

const hexOf = (value: string): string => Buffer.from(value, 'utf8').toString('hex').toUpperCase();

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** One row, one array column: `SELECT [e1, e2, ...] AS v`. */
async function selectArray<T>(executor: ClickHouseExecutor, expressions: SqlFragment[]): Promise<T[]> {
  const [row] = await executor.query<{ v: T[] }>(sql`SELECT [${sql.join(expressions)}] AS v`);
  return row.v;
}

const INTS: [IntInput, IntType, string][] = [
  [0, 'UInt8', '0'],
  [255, 'UInt8', '255'],
  [65535, 'UInt16', '65535'],
  [4294967295, 'UInt32', '4294967295'],
  ['18446744073709551615', 'UInt64', '18446744073709551615'],
  [18446744073709551614n, 'UInt64', '18446744073709551614'],
  [Number.MAX_SAFE_INTEGER, 'UInt64', '9007199254740991'],
  [-128, 'Int8', '-128'],
  [127, 'Int8', '127'],
  [-32768, 'Int16', '-32768'],
  [-2147483648, 'Int32', '-2147483648'],
  [2147483647, 'Int32', '2147483647'],
  ['-9223372036854775808', 'Int64', '-9223372036854775808'],
  [9223372036854775807n, 'Int64', '9223372036854775807'],
  [-1, 'Int64', '-1'],
  [Number.MIN_SAFE_INTEGER, 'Int64', '-9007199254740991'],
];

const DATES: [string | Date, string][] = [
  ['1970-01-02', '1970-01-02'],
  ['2024-02-29', '2024-02-29'],
  ['2105-12-31', '2105-12-31'],
  [new Date('2024-12-31T23:59:59.999Z'), '2024-12-31'],
];

const DATE_TIMES: [Date | number, number, string][] = [
  [1, 1, '1970-01-01 00:00:01'],
  [4291747199, 4291747199, '2105-12-31 23:59:59'],
  [new Date('2024-03-10T02:30:00Z'), 1710037800, '2024-03-10 02:30:00'],
  [new Date('2024-01-02T03:04:05.999+05:30'), 1704144845, '2024-01-01 21:34:05'],
  [2147483648, 2147483648, '2038-01-19 03:14:08'],
];

describe.each(ENGINES)('literals read back unchanged on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('literals');

  beforeAll(async () => {
    executor = await engine.open();
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  const randoms = randomStrings(400, 20_240_229);

  it.each([
    ['hostile strings', HOSTILE_STRINGS],
    ['random unicode and control strings (seed 20240229)', randoms],
  ])('%s keep every byte', async (_, strings) => {
    for (const batch of chunks(strings, 100)) {
      const hex = await selectArray<string>(executor, batch.map((s) => sql`hex(${lit.string(s)})`));
      expect(hex).toEqual(batch.map(hexOf));
      const values = await selectArray<string>(executor, batch.map((s) => lit.string(s)));
      expect(values).toEqual(batch);
    }
  });

  it('arrays of hostile strings keep every byte, and an empty array is Array(String)', async () => {
    const [row] = await executor.query<{ hex: string[]; type: string; empty: string }>(
      sql`SELECT arrayMap(x -> hex(x), ${lit.array(HOSTILE_STRINGS, 'String')}) AS hex,
                 toTypeName(${lit.array(HOSTILE_STRINGS, 'String')}) AS type,
                 toTypeName(${lit.array([], 'String')}) AS empty`,
    );
    expect(row).toEqual({ hex: HOSTILE_STRINGS.map(hexOf), type: 'Array(String)', empty: 'Array(String)' });
  });

  it('strings survive INSERT ... VALUES into a table', async () => {
    const table = sql`${lit.databaseName(database)}.${lit.identifier('strings', ['strings'])}`;
    const strings = [...HOSTILE_STRINGS, ...randoms.slice(0, 100)];
    await executor.command(sql`CREATE DATABASE IF NOT EXISTS ${lit.databaseName(database)}`);
    await executor.command(sql`CREATE TABLE ${table} (i UInt32, s String) ENGINE = MergeTree ORDER BY i`);
    const rows = strings.map((s, i) => sql`(${lit.int(i, 'UInt32')}, ${lit.string(s)})`);
    await executor.command(sql`INSERT INTO ${table} (i, s) VALUES ${sql.join(rows)}`);
    const read = await executor.query<{ i: number; h: string }>(sql`SELECT i, hex(s) AS h FROM ${table} ORDER BY i`);
    expect(read).toEqual(strings.map((s, i) => ({ i, h: hexOf(s) })));
  });

  it('integers at every type bound keep their value', async () => {
    const values = await selectArray<string>(executor, INTS.map(([v, type]) => sql`toString(${lit.int(v, type)})`));
    expect(values).toEqual(INTS.map(([, , expected]) => expected));
  });

  it('64-bit integers come back as exact strings, small ones as numbers', async () => {
    const [row] = await executor.query<Record<string, unknown>>(
      sql`SELECT ${lit.int('18446744073709551615', 'UInt64')} AS u64, ${lit.int('-9223372036854775808', 'Int64')} AS i64,
                 ${lit.int(255, 'UInt8')} AS u8, ${lit.int(-128, 'Int8')} AS i8`,
    );
    expect(row).toEqual({ u64: '18446744073709551615', i64: '-9223372036854775808', u8: 255, i8: -128 });
  });

  it('a negative after a minus sign is subtraction, not a -- comment', async () => {
    const [row] = await executor.query<{ v: number }>(sql`SELECT 10-${lit.int(-5, 'Int8')} AS v`);
    expect(row).toEqual({ v: 15 });
  });

  it.each([
    ['Int64', [-1, '9223372036854775807', '-9223372036854775808'], ['-1', '9223372036854775807', '-9223372036854775808']],
    ['UInt64', [0, '18446744073709551615'], ['0', '18446744073709551615']],
    ['UInt8', [0, 255], ['0', '255']],
    ['Int8', [-128, 127], ['-128', '127']],
  ] as [IntType, IntInput[], string[]][])('Array(%s) keeps its type and bounds', async (type, items, expected) => {
    const array = lit.array(items, type);
    const [row] = await executor.query<{ type: string; values: string[]; empty: string }>(
      sql`SELECT toTypeName(${array}) AS type, arrayMap(x -> toString(x), ${array}) AS values,
                 toTypeName(${lit.array([], type)}) AS empty`,
    );
    expect(row).toEqual({ type: `Array(${type})`, values: expected, empty: `Array(${type})` });
  });

  it('IN lists match values at the bounds and hostile strings', async () => {
    const [row] = await executor.query<Record<string, number>>(
      sql`SELECT toInt64('9223372036854775807') IN ${lit.inList([-1, '9223372036854775807'], 'Int64')} AS big,
                 toInt64(-1) IN ${lit.inList([-1, '9223372036854775807'], 'Int64')} AS negative,
                 toUInt64('18446744073709551615') IN ${lit.inList(['18446744073709551615'], 'UInt64')} AS unsigned,
                 ${lit.string("'; DROP TABLE x; --")} IN ${lit.inList(HOSTILE_STRINGS, 'String')} AS hostile,
                 'absent' IN ${lit.inList(HOSTILE_STRINGS, 'String')} AS absent`,
    );
    expect(row).toEqual({ big: 1, negative: 1, unsigned: 1, hostile: 1, absent: 0 });
  });

  it('dates keep their calendar day', async () => {
    const values = await selectArray<string>(executor, DATES.map(([v]) => sql`toString(${lit.date(v)})`));
    expect(values).toEqual(DATES.map(([, expected]) => expected));
    const [row] = await executor.query<{ type: string; empty: string }>(
      sql`SELECT toTypeName(${lit.array(['2024-01-01', '2024-01-02'], 'Date')}) AS type, toTypeName(${lit.array([], 'Date')}) AS empty`,
    );
    expect(row).toEqual({ type: 'Array(Date)', empty: 'Array(Date)' });
  });

  it('datetimes keep their instant and print in UTC', async () => {
    const seconds = await selectArray<number>(executor, DATE_TIMES.map(([v]) => sql`toUnixTimestamp(${lit.dateTime(v)})`));
    expect(seconds).toEqual(DATE_TIMES.map(([, expected]) => expected));
    const texts = await selectArray<string>(executor, DATE_TIMES.map(([v]) => sql`toString(${lit.dateTime(v)})`));
    expect(texts).toEqual(DATE_TIMES.map(([, , expected]) => expected));
    const [row] = await executor.query<{ v: string[]; type: string }>(
      sql`SELECT ${lit.array([1, 4291747199], 'DateTime')} AS v, toTypeName(${lit.array([], 'DateTime')}) AS type`,
    );
    expect(row).toEqual({ v: ['1970-01-01 00:00:01', '2105-12-31 23:59:59'], type: "Array(DateTime('UTC'))" });
  });

});

describe('literals on a current engine', () => {
  it('datetimes keep their instant whatever the session timezone (a setting 18.16 lacks)', async () => {
    const executor = await openChdbExecutor();
    try {
      const [row] = await executor.query<{ u: number; d: string }>(
        sql`SELECT toUnixTimestamp(${lit.dateTime(1704164645)}) AS u, toString(${lit.date('2024-01-02')}) AS d
            SETTINGS session_timezone = 'Pacific/Kiritimati'`,
      );
      expect(row).toEqual({ u: 1704164645, d: '2024-01-02' });
    } finally {
      await executor.close();
    }
  });
});
