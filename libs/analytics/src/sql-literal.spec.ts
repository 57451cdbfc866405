import { describe, expect, it } from 'vitest';
import { lit, sql, SqlFragment, SqlLiteralError, type IntType } from './sql-literal';

const text = (fragment: SqlFragment): string => fragment.text;

describe('lit.string', () => {
  it.each([
    ['', "''"],
    ['plain', "'plain'"],
    ["'", "'\\''"],
    ['\\', "'\\\\'"],
    ["\\'", "'\\\\\\''"],
    ["'; DROP TABLE x; --", "'\\'; DROP TABLE x; --'"],
    ['\0', "'\\x00'"],
    ['a\nb\rc\td', "'a\\x0ab\\x0dc\\x09d'"],
    ['\x01\x1b\x1f\x7f', "'\\x01\\x1b\\x1f\\x7f'"],
    ['\u0080\u009f', "'\u0080\u009f'"],
    ['é 東京 😀 \u{1d11e}', "'é 東京 😀 \u{1d11e}'"],
    ['\uFEFF\u2028\uFFFF', "'\uFEFF\u2028\uFFFF'"],
    ['"`?{x:String}${database}/* */', "'\"`?{x:String}${database}/* */'"],
    ['\\x41\\u0041\\N', "'\\\\x41\\\\u0041\\\\N'"],
  ])('renders %j as %s', (value, expected) => {
    expect(text(lit.string(value))).toBe(expected);
  });

  it('keeps everything between the quotes escaped: no unescaped quote can end the literal early', () => {
    const hostile = "x' OR 1=1 --\\'\\\\'";
    const inner = text(lit.string(hostile)).slice(1, -1);
    expect(inner.replace(/\\./g, '')).not.toContain("'");
  });

  it.each([['\uD800'], ['a\uDC00'], ['\uDBFF\uDBFF'], ['\uDC00\uD800'], ['x\uD83D']])(
    'rejects the lone surrogate in %j because UTF-8 cannot carry it',
    (value) => {
      expect(() => lit.string(value)).toThrow(/lone UTF-16 surrogate/);
    },
  );

  it.each([[1], [null], [undefined], [{}], [['a']]])('rejects the non-string %j', (value) => {
    expect(() => lit.string(value as unknown as string)).toThrow(SqlLiteralError);
  });
});

describe('lit.int', () => {
  const bounds: [IntType, string, string][] = [
    ['UInt8', '0', '255'],
    ['UInt16', '0', '65535'],
    ['UInt32', '0', '4294967295'],
    ['UInt64', '0', '18446744073709551615'],
    ['Int8', '-128', '127'],
    ['Int16', '-32768', '32767'],
    ['Int32', '-2147483648', '2147483647'],
    ['Int64', '-9223372036854775808', '9223372036854775807'],
  ];

  it.each(bounds)('accepts the bounds of %s and rejects one past them', (type, min, max) => {
    expect(text(lit.int(BigInt(min), type))).toBe(min);
    expect(text(lit.int(max, type))).toBe(max);
    expect(() => lit.int(BigInt(min) - 1n, type)).toThrow(/out of range/);
    expect(() => lit.int(String(BigInt(max) + 1n), type)).toThrow(/out of range/);
  });

  it('renders negatives bare, with a space after a `-` so `x-${n}` cannot turn into a -- comment', () => {
    expect(text(lit.int(-1, 'Int8'))).toBe('-1');
    expect(text(sql`SELECT 1-${lit.int(-1, 'Int8')}`)).toBe('SELECT 1- -1');
  });

  it('accepts safe numbers, bigints and decimal strings alike', () => {
    expect(text(lit.int(42, 'UInt64'))).toBe('42');
    expect(text(lit.int(42n, 'UInt64'))).toBe('42');
    expect(text(lit.int('42', 'UInt64'))).toBe('42');
    expect(text(lit.int(Number.MAX_SAFE_INTEGER, 'Int64'))).toBe('9007199254740991');
    expect(text(lit.int(-0, 'Int8'))).toBe('0');
    expect(text(lit.int('-0', 'Int8'))).toBe('0');
  });

  it.each([
    [1.5, /must be an integer/],
    [Number.NaN, /must be finite/],
    [Number.POSITIVE_INFINITY, /must be finite/],
    [2 ** 53, /lost precision/],
    [-(2 ** 63), /lost precision/],
    ['1.0', /decimal integer string/],
    ['1e3', /decimal integer string/],
    ['0x10', /decimal integer string/],
    [' 1', /decimal integer string/],
    ['007', /decimal integer string/],
    ['+1', /decimal integer string/],
    ['', /decimal integer string/],
    ['1; DROP TABLE x', /decimal integer string/],
    [true, /number, bigint or decimal string/],
    [null, /number, bigint or decimal string/],
  ])('rejects %j', (value, message) => {
    expect(() => lit.int(value as unknown as number, 'Int64')).toThrow(message);
  });

  it('renders numbers and short decimal strings (its fast path) exactly as their bigint, and rejects the same values', () => {
    const types = ['UInt8', 'UInt16', 'UInt32', 'UInt64', 'Int8', 'Int16', 'Int32', 'Int64'] as const;
    const numbers = [0, -0, 1, -1, 127, 128, -128, -129, 255, 256, 65_535, 65_536, -32_768, -32_769, 2_147_483_647, 2_147_483_648, -2_147_483_649, 4_294_967_295, 4_294_967_296, 999_999_999_999_999, -999_999_999_999_999, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const strings = [...numbers.map((n) => String(n)), '-0', '00', '0999', '999999999999999', '9999999999999999', '-99999999999999', '18446744073709551615', '12a'];
    const inRange = (n: bigint, type: (typeof types)[number]): boolean => {
      const bits = Number(type.replace(/\D/g, ''));
      const [min, max] = type.startsWith('U') ? [0n, 2n ** BigInt(bits) - 1n] : [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n];
      return n >= min && n <= max;
    };
    for (const type of types) {
      for (const value of [...numbers, ...strings]) {
        const valid = typeof value === 'number' || /^-?(?:0|[1-9][0-9]*)$/.test(value);
        if (valid && inRange(BigInt(value), type)) expect(text(lit.int(value, type)), `${String(value)} as ${type}`).toBe(BigInt(value).toString());
        else expect(() => lit.int(value, type), `${String(value)} as ${type}`).toThrow(valid ? /out of range/ : /decimal integer string/);
      }
    }
  });

  it('rejects an unknown type name', () => {
    expect(() => lit.int(1, 'UInt128' as IntType)).toThrow(/unknown integer type/);
    expect(() => lit.int(1, 'constructor' as IntType)).toThrow(/unknown integer type/);
  });
});

describe('lit.date', () => {
  it('renders a calendar day, and a Date by its UTC day', () => {
    expect(text(lit.date('2024-02-29'))).toBe("toDate('2024-02-29')");
    expect(text(lit.date(new Date('2024-03-01T23:59:59.999Z')))).toBe("toDate('2024-03-01')");
    expect(text(lit.date(new Date('2024-03-01T00:30:00+02:00')))).toBe("toDate('2024-02-29')");
  });

  it('accepts the portable range 1970-01-02..2105-12-31 only', () => {
    expect(text(lit.date('1970-01-02'))).toBe("toDate('1970-01-02')");
    expect(text(lit.date('2105-12-31'))).toBe("toDate('2105-12-31')");
    expect(() => lit.date('1970-01-01')).toThrow(/portable range/);
    expect(() => lit.date('2106-01-01')).toThrow(/portable range/);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01', "2024-01-01'", '2024-01-01 00:00:00', ''])(
    'rejects %j',
    (value) => {
      expect(() => lit.date(value)).toThrow(/real calendar day/);
    },
  );

  it('rejects an invalid Date and non-dates', () => {
    expect(() => lit.date(new Date('nope'))).toThrow(SqlLiteralError);
    expect(() => lit.date(20240101 as unknown as string)).toThrow(SqlLiteralError);
  });
});

describe('lit.dateTime', () => {
  it('renders UTC text pinned to UTC, from a Date or unix seconds', () => {
    expect(text(lit.dateTime(new Date('2024-01-02T03:04:05Z')))).toBe("toDateTime('2024-01-02 03:04:05', 'UTC')");
    expect(text(lit.dateTime(new Date('2024-01-02T03:04:05+05:30')))).toBe("toDateTime('2024-01-01 21:34:05', 'UTC')");
    expect(text(lit.dateTime(1_704_164_645))).toBe("toDateTime('2024-01-02 03:04:05', 'UTC')");
  });

  it('drops milliseconds toward the start of the second, as DateTime has whole seconds', () => {
    expect(text(lit.dateTime(new Date('2024-01-02T03:04:05.999Z')))).toBe("toDateTime('2024-01-02 03:04:05', 'UTC')");
  });

  it('accepts the portable range 1..4291747199 only', () => {
    expect(text(lit.dateTime(1))).toBe("toDateTime('1970-01-01 00:00:01', 'UTC')");
    expect(text(lit.dateTime(4_291_747_199))).toBe("toDateTime('2105-12-31 23:59:59', 'UTC')");
    expect(() => lit.dateTime(0)).toThrow(/portable range/);
    expect(() => lit.dateTime(4_291_747_200)).toThrow(/portable range/);
    expect(() => lit.dateTime(new Date('1969-12-31T23:59:59Z'))).toThrow(/portable range/);
  });

  it.each([[1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['2024-01-02 03:04:05'], [new Date('nope')]])(
    'rejects %j',
    (value) => {
      expect(() => lit.dateTime(value as unknown as number)).toThrow(/valid Date or whole unix seconds/);
    },
  );
});

describe('lit.array', () => {
  it('types integer elements so mixed signs and sizes share one type on 18.16', () => {
    expect(text(lit.array([-1, '9223372036854775807'], 'Int64'))).toBe('[toInt64(-1), toInt64(9223372036854775807)]');
    expect(text(lit.array([1n, 2], 'UInt8'))).toBe('[toUInt8(1), toUInt8(2)]');
  });

  it('renders strings, dates and datetimes with their scalar rules', () => {
    expect(text(lit.array(["a'b", '\\'], 'String'))).toBe("['a\\'b', '\\\\']");
    expect(text(lit.array(['2024-01-02'], 'Date'))).toBe("[toDate('2024-01-02')]");
    expect(text(lit.array([1], 'DateTime'))).toBe("[toDateTime('1970-01-01 00:00:01', 'UTC')]");
  });

  it('gives an empty array its element type', () => {
    expect(text(lit.array([], 'String'))).toBe('CAST([] AS Array(String))');
    expect(text(lit.array([], 'UInt64'))).toBe('CAST([] AS Array(UInt64))');
    expect(text(lit.array([], 'DateTime'))).toBe("CAST([] AS Array(DateTime('UTC')))");
  });

  it('validates every element', () => {
    expect(() => lit.array([1, 256], 'UInt8')).toThrow(/out of range for UInt8/);
    expect(() => lit.array(['ok', 1 as unknown as string], 'String')).toThrow(SqlLiteralError);
    expect(() => lit.array('abc' as unknown as string[], 'String')).toThrow(/takes an array/);
  });
});

describe('lit.inList', () => {
  it('renders the right-hand side of IN with scalar literals', () => {
    expect(text(sql`x IN ${lit.inList([-1, '9223372036854775807'], 'Int64')}`)).toBe('x IN (-1, 9223372036854775807)');
    expect(text(lit.inList(['a'], 'String'))).toBe("('a')");
  });

  it('refuses an empty list, which is not valid SQL', () => {
    expect(() => lit.inList([], 'UInt64')).toThrow(/at least one value/);
  });
});

describe('lit.identifier and lit.databaseName', () => {
  const COLUMNS = ['event_id', 'ad_id'] as const;

  it('backtick-quotes a name from the allow-list', () => {
    expect(text(lit.identifier('ad_id', COLUMNS))).toBe('`ad_id`');
  });

  it('refuses a name outside the allow-list', () => {
    expect(() => lit.identifier('price' as 'ad_id', COLUMNS)).toThrow(/not in the allow-list/);
    expect(() => lit.identifier('ad_id`; DROP TABLE x; --' as 'ad_id', COLUMNS)).toThrow(/not in the allow-list/);
  });

  it('refuses a malformed name even if an allow-list contains it', () => {
    expect(() => lit.identifier('a`b', ['a`b'])).toThrow(/must match/);
    expect(() => lit.identifier('', [''])).toThrow(/must match/);
  });

  it('checks database names by pattern', () => {
    expect(text(lit.databaseName('loupe_test_1'))).toBe('`loupe_test_1`');
    for (const bad of ['', '1abc', 'a-b', 'a.b', 'a`b', 'a b', 'x'.repeat(65), 'é']) {
      expect(() => lit.databaseName(bad)).toThrow(/database name must match/);
    }
  });
});

describe('sql', () => {
  it('composes fragments into SQL text', () => {
    const where = sql`ad_account_id = ${lit.int('123', 'UInt64')}`;
    expect(text(sql`SELECT ${lit.string('a')} WHERE ${where}`)).toBe("SELECT 'a' WHERE ad_account_id = 123");
  });

  it('refuses interpolated plain values, so nothing reaches SQL unformatted', () => {
    const userInput = "'; DROP TABLE x; --";
    expect(() => sql`SELECT ${userInput as unknown as SqlFragment}`).toThrow(/interpolation #1 is a string/);
    expect(() => sql`SELECT ${42 as unknown as SqlFragment}`).toThrow(/interpolation #1 is a number 42/);
    expect(() => sql`SELECT ${{ text: 'x' } as unknown as SqlFragment}`).toThrow(/not a SQL fragment/);
  });

  it('refuses to be called with a runtime-built strings array', () => {
    const strings = ['SELECT ' + 'x'] as unknown as TemplateStringsArray;
    expect(() => sql(strings)).toThrow(/tagged template/);
  });

  it.each([
    ['a quoted string', () => sql`SELECT '${lit.string('x')}'`],
    ['a "quoted" identifier', () => sql`SELECT "${lit.string('x')}"`],
    ['a `quoted` identifier', () => sql`SELECT \`${lit.string('x')}\``],
    ['a -- comment', () => sql`SELECT 1 -- ${lit.string('x')}\n`],
    ['a /* comment', () => sql`SELECT 1 /* ${lit.string('*/ DROP TABLE x /*')} */`],
  ])('refuses an interpolation inside %s, where the value’s own quoting no longer holds', (where, build) => {
    expect(build).toThrow(`is inside ${where}`);
  });

  it('tracks escaped and doubled quotes and closed comments in the template text', () => {
    const x = lit.int(1, 'UInt8');
    expect(text(sql`SELECT 'it\\'s', 'a''b', "c""d", \`e\\\`f\` /* c */ -- c\n, ${x}`)).toBe(
      "SELECT 'it\\'s', 'a''b', \"c\"\"d\", `e\\`f` /* c */ -- c\n, 1",
    );
  });

  it('refuses a template that leaves a quote or comment open, so fragments compose safely', () => {
    expect(() => sql`SELECT 'open`).toThrow(/ends inside a quoted string/);
    expect(() => sql`SELECT 1 /* open`).toThrow(/ends inside a \/\* comment/);
    expect(() => sql`SELECT 1 -- trailing`).toThrow(/ends inside a -- comment/);
  });

  it('never lets a seam between fragments form a comment', () => {
    expect(text(sql`SELECT 1-${sql`-1`}`)).toBe('SELECT 1- -1');
    expect(text(sql`SELECT 2/${sql`*3`}`)).toBe('SELECT 2/ *3');
    expect(text(sql.join([sql`1-`, sql`-1`], sql``))).toBe('1- -1');
  });

  it('joins fragments with a separator', () => {
    const columns = ['event_id', 'ad_id'] as const;
    expect(text(sql.join(columns.map((c) => lit.identifier(c, columns))))).toBe('`event_id`, `ad_id`');
    expect(text(sql.join([sql`a`, sql`b`], sql` AND `))).toBe('a AND b');
    expect(() => sql.join(['a' as unknown as SqlFragment])).toThrow(/takes SQL fragments/);
  });

  it('cannot be forged with new SqlFragment', () => {
    expect(() => new SqlFragment('DROP TABLE x', Symbol('SqlFragment'))).toThrow(SqlLiteralError);
  });
});

describe('lit.valuesRow', () => {
  const render = lit.valuesRow(['String', 'UInt64', 'Int64', 'UInt8', 'Date', 'DateTime', 'String'] as const);
  const hostile = ["x' OR 1=1 --\\'", '--', '/*', 'a\nb', '😀 é', ''];

  it('renders the text sql`(${lit.x(v1)}, …)` renders, value by value', () => {
    for (const [i, s] of hostile.entries()) {
      const values = [s, String(18_446_744_073_709_551_615n - BigInt(i)), -1 - i, i, '2024-02-29', 1_700_000_000 + i, hostile[(i + 1) % hostile.length]] as const;
      expect(text(render(values))).toBe(
        text(
          sql`(${lit.string(values[0])}, ${lit.int(values[1], 'UInt64')}, ${lit.int(values[2], 'Int64')}, ${lit.int(values[3], 'UInt8')}, ${lit.date(values[4])}, ${lit.dateTime(values[5])}, ${lit.string(values[6])})`,
        ),
      );
    }
  });

  it('rejects what lit.* rejects, a wrong number of values and unknown column types', () => {
    const row = ['a', '1', 1, 1, '2024-02-29', 1_700_000_000, 'b'] as const;
    expect(() => render([...row.slice(0, 3), 256, ...row.slice(4)] as unknown as typeof row)).toThrow(/out of range for UInt8/);
    expect(() => render(['a\uD800', ...row.slice(1)] as unknown as typeof row)).toThrow(/lone UTF-16 surrogate/);
    expect(() => render([1, ...row.slice(1)] as unknown as typeof row)).toThrow(/must be a string/);
    expect(() => render(row.slice(0, 6) as unknown as typeof row)).toThrow(/takes 7 values, got 6/);
    expect(() => lit.valuesRow(['String', 'Float64' as 'String'])).toThrow(/unknown literal type/);
    expect(() => lit.valuesRow([])).toThrow(/at least one column/);
  });

  it('returns a fragment that composes like any other', () => {
    expect(text(sql`VALUES ${sql.join([render(['a', '1', 2, 3, '2024-01-01', 1, 'b']), render(['c', '4', -5, 6, '2024-01-02', 2, 'd'])], sql`,`)}`)).toBe(
      "VALUES ('a', 1, 2, 3, toDate('2024-01-01'), toDateTime('1970-01-01 00:00:01', 'UTC'), 'b'),('c', 4, -5, 6, toDate('2024-01-02'), toDateTime('1970-01-01 00:00:02', 'UTC'), 'd')",
    );
  });
});

describe('lit.valuesRowReader', () => {
  const TYPES = ['String', 'UInt64', 'Int64', 'UInt8', 'String'] as const;
  const render = lit.valuesRow(TYPES);
  const readAll = lit.valuesRowReader(TYPES, [0, 1, 2, 3, 4], ['s', 'u64', 'i64', 'u8', 't']);

  it('reads back every row the renderer writes: the same text, the values as text', () => {
    const strings = ['', 'plain', "'; DROP TABLE x; --", '\\', "\\'", '\0\x1f\x7f', 'é\u{1F600}', 'a\nb', '/* x */', ')', "', 1, 2, 3, '"];
    const ints: [string, string, number][] = [
      ['0', '0', 0],
      ['18446744073709551615', '9223372036854775807', 255],
      ['9007199254740993', '-9223372036854775808', 1],
      ['18446744073709551609', '-1', 199],
    ];
    for (const s of strings) {
      for (const [u, i, b] of ints) {
        const row = render([s, u, i, b, s]);
        const read = readAll(row.text);
        expect(read.row.text).toBe(row.text);
        expect(read.values).toEqual([s, u, i, String(b), s]);
      }
    }
  });

  it('reads only the columns asked for, in the order asked', () => {
    const read = lit.valuesRowReader(TYPES, [4, 1])(render(['a', 7, -3, 9, "b'c"]).text);
    expect(read.values).toEqual(["b'c", '7']);
  });

  it.each([
    ["('a', 1, 2, 3, 'b'), ('c', 1, 2, 3, 'd')", /ends there; got more/],
    ["('a', 1, 2, 3, 'b') --", /ends there/],
    ["('a' || 'x', 1, 2, 3, 'b')", /column 1 \(s\)/],
    ["(toString(1), 1, 2, 3, 'b')", /column 1 \(s\)/],
    ["('a', 1, 2, 3)", /column 4 \(u8\)/],
    ["('a', 1, 2, 3, 'b', 'c')", /column 5 \(t\)/],
    ["('a', 18446744073709551616, 2, 3, 'b')", /column 2 \(u64\) is not a UInt64 literal in range/],
    ["('a', 99999999999999999999, 2, 3, 'b')", /column 2/],
    ["('a', -1, 2, 3, 'b')", /column 2/],
    ["('a', 01, 2, 3, 'b')", /column 2/],
    ["('a', 1, -0, 3, 'b')", /column 3 \(i64\)/],
    ["('a', 1, 9223372036854775808, 3, 'b')", /column 3/],
    ["('a', 1, -9223372036854775809, 3, 'b')", /column 3/],
    ["('a', 1, +2, 3, 'b')", /column 3/],
    ["('a', 1, 2, 256, 'b')", /column 4 \(u8\)/],
    ["('a', 1, 2, 3.0, 'b')", /column 4/],
    ["('a\\n', 1, 2, 3, 'b')", /column 1/],
    ["('a\\u0041', 1, 2, 3, 'b')", /column 1/],
    ["('a\\x0A', 1, 2, 3, 'b')", /column 1/],
    ["('a\nb', 1, 2, 3, 'b')", /column 1/],
    ["('a\\', 1, 2, 3, 'b')", /column 1/],
    ["('a'', 1, 2, 3, 'b')", /column 1/],
    ["('\ud800', 1, 2, 3, 'b')", /column 1/],
    ["('a',1, 2, 3, 'b')", /column 1/],
    [" ('a', 1, 2, 3, 'b')", /starts with "\("/],
    ['', /starts with/],
  ])('refuses %j', (row, reason) => {
    expect(() => readAll(row)).toThrow(SqlLiteralError);
    expect(() => readAll(row)).toThrow(reason);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1, ['(1)'], { text: "('a', 1, 2, 3, 'b')" }]) expect(() => readAll(value)).toThrow(SqlLiteralError);
  });

  it('accepts a changed row only where the change is itself a row the renderer writes', () => {
    // Every one-character deletion, and insertion of a few dangerous characters, of a row.
    const row = render(["it's \\ x", '18446744073709551615', '-42', 200, '']).text;
    const variants = new Set<string>();
    for (let i = 0; i <= row.length; i++) {
      variants.add(row.slice(0, i) + row.slice(i + 1));
      for (const c of ["'", '\\', ',', ' ', ')', '(', '0', '9', '-']) variants.add(row.slice(0, i) + c + row.slice(i));
    }
    let accepted = 0;
    for (const variant of variants) {
      let values: string[];
      try {
        values = readAll(variant).values;
      } catch (error) {
        expect(error).toBeInstanceOf(SqlLiteralError);
        continue;
      }
      accepted++;
      expect(render(values as [string, string, string, string, string]).text).toBe(variant);
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses column types it cannot read and columns that do not exist', () => {
    expect(() => lit.valuesRowReader(['String', 'Date'], [0])).toThrow(/String and integer columns/);
    expect(() => lit.valuesRowReader(['String'], [1])).toThrow(/no column 1/);
    expect(() => lit.valuesRowReader([], [])).toThrow(/at least one column/);
  });
});
