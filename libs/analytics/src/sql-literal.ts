/**
 * The one way a value reaches ClickHouse SQL.
 *
 * ClickHouse 18.16 has no server-side `{x:Type}` parameters, so values are
 * rendered as literals. Every literal is produced here, from a typed
 * constructor that validates its input, and SQL text is only ever composed
 * from fragments this module built (the `sql` tag refuses anything else).
 * The rendering is chosen so that 18.16 and current ClickHouse (chdb 26.x)
 * read every literal back byte for byte; test/sql-literal.roundtrip.spec.ts
 * proves it on both engines.
 */

export class SqlLiteralError extends Error {
  override readonly name = 'SqlLiteralError';
}

const FRAGMENT_TOKEN = Symbol('SqlFragment');

/** A piece of SQL text built by this module. Executors accept nothing else. */
export class SqlFragment {
  readonly #text: string;

  constructor(text: string, token: symbol) {
    if (token !== FRAGMENT_TOKEN) {
      throw new SqlLiteralError('SqlFragment is built by sql`...` and lit.*, never directly');
    }
    this.#text = text;
  }

  get text(): string {
    return this.#text;
  }

  static is(value: unknown): value is SqlFragment {
    return typeof value === 'object' && value !== null && #text in value;
  }
}

function fragment(text: string): SqlFragment {
  return new SqlFragment(text, FRAGMENT_TOKEN);
}

/**
 * Composes SQL from constant template text and fragments (`lit.*`, other `sql`
 * templates). A plain string, number or anything else interpolated is
 * rejected, so user input cannot be concatenated in by accident. So is an
 * interpolation inside a quoted string or a comment (`'${x}'`, `/* ${x} *\/`),
 * where a value's own quoting would no longer hold; and a template must close
 * every quote and comment it opens, so fragments compose safely.
 */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlFragment[]): SqlFragment {
  // A template strings array carries `raw`; a hand-built array of runtime
  // strings is exactly the concatenation this tag forbids.
  if (!Array.isArray(strings) || !Array.isArray((strings as TemplateStringsArray).raw)) {
    throw new SqlLiteralError('sql must be used as a tagged template: sql`SELECT ...`');
  }
  let text = strings[0] ?? '';
  // The last character of `text`, kept apart: reading it from `text` (a concatenation) would
  // make V8 flatten it, copying a bulk insert's megabytes once more per interpolation.
  let tail = lastCharCode(text);
  const append = (right: string): void => {
    if (right === '') return;
    text = seamNeedsSpace(tail, right.charCodeAt(0)) ? `${text} ${right}` : text + right;
    tail = right.charCodeAt(right.length - 1);
  };
  let state = lexicalState(text, 'code');
  values.forEach((value, i) => {
    if (!SqlFragment.is(value)) {
      throw new SqlLiteralError(
        `sql\`...\` interpolation #${i + 1} is a ${describe(value)}, not a SQL fragment; wrap values in lit.string/lit.int/...`,
      );
    }
    if (state !== 'code') {
      throw new SqlLiteralError(
        `sql\`...\` interpolation #${i + 1} is inside ${LEXICAL_STATE_NAMES[state]}; lit.* values bring their own quotes`,
      );
    }
    append(value.text);
    append(strings[i + 1]);
    state = lexicalState(strings[i + 1], state);
  });
  if (state !== 'code') throw new SqlLiteralError(`sql\`...\` ends inside ${LEXICAL_STATE_NAMES[state]}`);
  return fragment(text);
}

type LexicalState = 'code' | "'" | '"' | '`' | '--' | '/*';
const LEXICAL_STATE_NAMES: Record<Exclude<LexicalState, 'code'>, string> = {
  "'": 'a quoted string',
  '"': 'a "quoted" identifier',
  '`': 'a `quoted` identifier',
  '--': 'a -- comment (end it with a newline)',
  '/*': 'a /* comment',
};

const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;

/** Whether two pieces meeting at these characters need a space between them, lest they form `--` or `/*` (e.g. `x-` + `-1`). */
function seamNeedsSpace(left: number, right: number): boolean {
  return (left === DASH && right === DASH) || (left === SLASH && right === STAR);
}

/** The code of a string's last character; NaN for ''. */
function lastCharCode(text: string): number {
  return text.charCodeAt(text.length - 1);
}

/** Where the lexer is after `text`: in code, or inside a quote or comment. */
function lexicalState(text: string, start: LexicalState): LexicalState {
  let state = start;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const next = text[i + 1];
    if (state === 'code') {
      if (char === "'" || char === '"' || char === '`') state = char;
      else if ((char === '-' && next === '-') || (char === '/' && next === '*')) {
        state = char === '-' ? '--' : '/*';
        i++;
      }
    } else if (state === '--') {
      if (char === '\n') state = 'code';
    } else if (state === '/*') {
      if (char === '*' && next === '/') {
        state = 'code';
        i++;
      }
    } else if (char === '\\') {
      i++;
    } else if (char === state) {
      if (next === state) i++;
      else state = 'code';
    }
  }
  return state;
}

/** Joins fragments with a separator (default `, `), e.g. a column list. */
sql.join = function join(parts: readonly SqlFragment[], separator: SqlFragment = fragment(', ')): SqlFragment {
  const items = checkedItems(parts, 'sql.join');
  for (const part of [...items, separator]) {
    if (!SqlFragment.is(part)) throw new SqlLiteralError(`sql.join takes SQL fragments, got a ${describe(part)}`);
  }
  // Pieces are collected and joined once: gluing onto a growing string re-reads its
  // end each time (V8 flattens it), which made joining thousands of rows quadratic.
  // Seams are checked on character codes, without building a string per piece.
  const between = separator.text;
  const pieces: string[] = [];
  let tail = NaN;
  const push = (text: string): void => {
    if (text === '') return;
    if (seamNeedsSpace(tail, text.charCodeAt(0))) pieces.push(' ');
    pieces.push(text);
    tail = text.charCodeAt(text.length - 1);
  };
  for (let i = 0; i < items.length; i++) {
    if (i > 0) push(between);
    push((items[i] as SqlFragment).text);
  }
  return fragment(pieces.join(''));
};

/**
 * SQL text from a file in this repository (migrations). Not exported from
 * the package: SQL that did not come from our own source tree must go through
 * `sql` and `lit`.
 */
export function trustedSqlFromRepositoryFile(text: string): SqlFragment {
  return fragment(text);
}

// ---------------------------------------------------------------- integers

const INT_RANGES = {
  UInt8: [0n, 255n],
  UInt16: [0n, 65_535n],
  UInt32: [0n, 4_294_967_295n],
  UInt64: [0n, 18_446_744_073_709_551_615n],
  Int8: [-128n, 127n],
  Int16: [-32_768n, 32_767n],
  Int32: [-2_147_483_648n, 2_147_483_647n],
  Int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
} as const;

export type IntType = keyof typeof INT_RANGES;
/** A JS number must be a safe integer; beyond 2^53 pass a bigint or a decimal string. */
export type IntInput = number | bigint | string;

const DECIMAL_INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function toCheckedBigInt(value: unknown, type: IntType): bigint {
  if (!isIntType(type)) throw new SqlLiteralError(`unknown integer type ${String(type)}`);
  let n: bigint;
  if (typeof value === 'bigint') {
    n = value;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SqlLiteralError(`${type} literal must be finite, got ${value}`);
    if (!Number.isInteger(value)) throw new SqlLiteralError(`${type} literal must be an integer, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      throw new SqlLiteralError(`${type} literal ${value} is beyond 2^53 and has lost precision; pass a bigint or a decimal string`);
    }
    n = BigInt(value);
  } else if (typeof value === 'string') {
    if (!DECIMAL_INTEGER.test(value)) {
      throw new SqlLiteralError(`${type} literal must be a decimal integer string, got ${JSON.stringify(value)}`);
    }
    n = BigInt(value);
  } else {
    throw new SqlLiteralError(`${type} literal must be a number, bigint or decimal string, got a ${describe(value)}`);
  }
  const [min, max] = INT_RANGES[type];
  if (n < min || n > max) throw new SqlLiteralError(`${n} is out of range for ${type} [${min}, ${max}]`);
  return n;
}

/** INT_RANGES as numbers: exact for every safe integer (the bounds beyond 2^53 are never reached by one). */
const INT_NUMBER_RANGES: Record<IntType, readonly [number, number]> = {
  UInt8: [0, 255],
  UInt16: [0, 65_535],
  UInt32: [0, 4_294_967_295],
  UInt64: [0, Number(INT_RANGES.UInt64[1])],
  Int8: [-128, 127],
  Int16: [-32_768, 32_767],
  Int32: [-2_147_483_648, 2_147_483_647],
  Int64: [Number(INT_RANGES.Int64[0]), Number(INT_RANGES.Int64[1])],
};

function renderInt(value: unknown, type: IntType): string {
  // A bare `-1` is safe after `x-`: `sql` glues seams so they never form `--`.
  // Fast path (bulk inserts render millions): a safe integer, or a decimal string short enough
  // to be one, in range renders as its own decimal text, exactly as the bigint path below does
  // (including -0 and '-0' as 0). Everything else, and every error, takes the bigint path.
  if (isIntType(type)) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.length <= 15 && DECIMAL_INTEGER.test(value) ? Number(value) : NaN;
    const [min, max] = INT_NUMBER_RANGES[type];
    if (Number.isSafeInteger(n) && n >= min && n <= max) return String(n);
  }
  return toCheckedBigInt(value, type).toString();
}

// ----------------------------------------------------------------- strings

/**
 * Quotes a string as a ClickHouse literal. Only three escapes are used, the
 * ones both engines agree on: `\\`, `\'` and `\xHH` (for every C0 control
 * byte and DEL). Other escapes are avoided on purpose: the engines disagree
 * on unknown ones (18.16 reads `\u` as `u` and `\Z` as `Z`, current servers
 * keep the backslash).
 * Everything else, including all of Unicode, is sent as UTF-8 unchanged.
 * A lone UTF-16 surrogate has no UTF-8 encoding; rather than let the
 * encoder replace it with U+FFFD (silently changing the value), it throws.
 */
/** Whether renderString must escape or check a character of it; a string without any is quoted as it is. */
function needsEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x27 || code === 0x5c || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

function renderString(value: unknown): string {
  if (typeof value !== 'string') throw new SqlLiteralError(`String literal must be a string, got a ${describe(value)}`);
  if (!needsEscape(value)) return `'${value}'`;
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) out += '\\\\';
    else if (code === 0x27) out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw new SqlLiteralError(`String literal has a lone UTF-16 surrogate at index ${i}; it cannot be encoded as UTF-8`);
      }
      out += value[i] + value[i + 1];
      i++;
    } else out += value[i];
  }
  return `${out}'`;
}

/** A string literal exactly as renderString writes it (see valuesRowReader). */
const STRING_LITERAL_PATTERN = String.raw`'(?:[^'\\\x00-\x1f\x7f\ud800-\udfff]|\\[\\']|\\x(?:[01][0-9a-f]|7f)|[\ud800-\udbff][\udc00-\udfff])*'`;

/** Where a text stops being a VALUES row of these columns (the slow path of a rejected row, for its reason). */
function whyNotARow(text: string, columns: readonly ScalarType[], patterns: readonly string[], names: readonly string[]): string {
  const excerpt = (at: number) => JSON.stringify(text.slice(at, at + 40));
  if (!text.startsWith('(')) return `a VALUES row starts with "(", got ${excerpt(0)}`;
  let at = 1;
  for (let i = 0; i < columns.length; i++) {
    const what = `column ${i + 1}${names[i] ? ` (${names[i]})` : ''}`;
    const last = i === columns.length - 1;
    const separator = last ? ')' : ', ';
    // The lookahead makes the alternatives of a number backtrack as they do in the whole row's pattern.
    const value = new RegExp(`(?:${patterns[i]})(?=${last ? '\\)' : ', '})`, 'y');
    value.lastIndex = at;
    if (!value.test(text)) return `${what} is not a ${columns[i]} literal in range followed by ${JSON.stringify(separator)} at ${excerpt(at)}`;
    at = value.lastIndex + separator.length;
  }
  return `a VALUES row of ${columns.length} columns ends there; got more at ${excerpt(at)}`;
}

/** The value of a string literal renderString wrote. */
function unquoteString(literal: string): string {
  const body = literal.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(?:x([0-9a-f]{2})|([\\']))/g, (_, hex: string | undefined, char: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (char as string),
  );
}

/** A canonical decimal (no leading zero, no sign) no greater than `max` (itself canonical); `zero` admits 0. */
function decimalAtMost(max: string, zero: boolean): string {
  const alternatives = zero ? ['0'] : [];
  if (max.length > 1) alternatives.push(`[1-9]\\d{0,${max.length - 2}}`);
  for (let i = 0; i < max.length; i++) {
    const digit = Number(max[i]);
    const lowest = i === 0 ? 1 : 0;
    if (digit > lowest) alternatives.push(`${max.slice(0, i)}[${lowest}-${digit - 1}]\\d{${max.length - i - 1}}`);
  }
  alternatives.push(max);
  return `(?:${alternatives.join('|')})`;
}

/** An integer literal exactly as renderInt writes it for `type`, in range (see valuesRowReader). */
function intLiteralPattern(type: IntType): string {
  const [min, max] = INT_RANGES[type];
  const positive = decimalAtMost(max.toString(), true);
  return min === 0n ? positive : `(?:${positive}|-${decimalAtMost((-min).toString(), false)})`;
}

// ------------------------------------------------------------------- dates

/** A calendar day `YYYY-MM-DD`, or a Date whose UTC calendar day is taken. */
export type DateInput = string | Date;
/** An instant: a Date (milliseconds are dropped) or whole unix seconds. */
export type DateTimeInput = Date | number;

// 18.16 prints day 0 / second 0 as 0000-00-00 and its date tables end in
// 2105, so only the range that reads back unchanged on both engines is accepted.
const MIN_DATE = '1970-01-02';
const MAX_DATE = '2105-12-31';
const MIN_UNIX_SECONDS = 1;
const MAX_UNIX_SECONDS = 4_291_747_199; // 2105-12-31 23:59:59 UTC

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function toDateString(value: unknown): string {
  let day: string;
  if (isValidDate(value)) {
    day = value.toISOString().slice(0, 10);
  } else if (typeof value === 'string') {
    const match = DATE_PATTERN.exec(value);
    // Round-tripping through Date.UTC rejects 2024-02-30 and friends.
    if (match === null || new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])).toISOString().slice(0, 10) !== value) {
      throw new SqlLiteralError(`Date literal must be a real calendar day YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    day = value;
  } else {
    throw new SqlLiteralError(`Date literal must be a 'YYYY-MM-DD' string or a valid Date, got a ${describe(value)}`);
  }
  if (day < MIN_DATE || day > MAX_DATE) {
    throw new SqlLiteralError(`Date ${day} is outside the portable range ${MIN_DATE}..${MAX_DATE}`);
  }
  return day;
}

function toUnixSeconds(value: unknown): number {
  let seconds: number;
  if (isValidDate(value)) {
    seconds = Math.floor(value.getTime() / 1000);
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    seconds = value;
  } else {
    throw new SqlLiteralError(`DateTime literal must be a valid Date or whole unix seconds, got ${describe(value)}`);
  }
  if (seconds < MIN_UNIX_SECONDS || seconds > MAX_UNIX_SECONDS) {
    throw new SqlLiteralError(
      `DateTime ${seconds} (unix seconds) is outside the portable range ${MIN_UNIX_SECONDS}..${MAX_UNIX_SECONDS}`,
    );
  }
  return seconds;
}

function renderDate(value: unknown): string {
  return `toDate('${toDateString(value)}')`;
}

function renderDateTime(value: unknown): string {
  const text = new Date(toUnixSeconds(value) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  // The explicit zone keeps the server's timezone from reinterpreting the text.
  return `toDateTime('${text}', 'UTC')`;
}

// ------------------------------------------------------------ identifiers

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function renderIdentifier(name: unknown, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > 64) {
    throw new SqlLiteralError(`${what} must match ${IDENTIFIER} (at most 64 characters), got ${JSON.stringify(name)}`);
  }
  return `\`${name}\``;
}

// ----------------------------------------------------------------- scalars

export type ScalarType = IntType | 'String' | 'Date' | 'DateTime';
export type ScalarInput<T extends ScalarType> = T extends 'String'
  ? string
  : T extends 'Date'
    ? DateInput
    : T extends 'DateTime'
      ? DateTimeInput
      : IntInput;

function isIntType(type: unknown): type is IntType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(INT_RANGES, type);
}

function renderScalar(value: unknown, type: ScalarType): string {
  if (type === 'String') return renderString(value);
  if (type === 'Date') return renderDate(value);
  if (type === 'DateTime') return renderDateTime(value);
  if (isIntType(type)) return renderInt(value, type);
  throw new SqlLiteralError(`unknown literal type ${String(type)}`);
}

function arrayTypeName(type: ScalarType): string {
  return type === 'DateTime' ? "DateTime('UTC')" : type;
}

function checkedItems(items: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(items)) throw new SqlLiteralError(`${what} takes an array, got a ${describe(items)}`);
  return items;
}

export const lit = {
  string(value: string): SqlFragment {
    return fragment(renderString(value));
  },

  /** An integer checked against the range of `type`; rendered as a bare decimal literal. */
  int(value: IntInput, type: IntType): SqlFragment {
    return fragment(renderInt(value, type));
  },

  /** `toDate('YYYY-MM-DD')`. */
  date(value: DateInput): SqlFragment {
    return fragment(renderDate(value));
  },

  /** `toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC')`. */
  dateTime(value: DateTimeInput): SqlFragment {
    return fragment(renderDateTime(value));
  },

  /**
   * An `Array(type)` value. Integer elements are wrapped in `toInt64(...)` and
   * friends because bare literals take the smallest type that fits and 18.16
   * finds no common type for e.g. `[-1, 9223372036854775807]` (Int8, UInt64).
   */
  array<T extends ScalarType>(items: readonly ScalarInput<T>[], type: T): SqlFragment {
    const values = checkedItems(items, 'lit.array');
    if (values.length === 0) return fragment(`CAST([] AS Array(${arrayTypeName(type)}))`);
    const rendered = values.map((item) =>
      isIntType(type) ? `to${type}(${toCheckedBigInt(item, type)})` : renderScalar(item, type),
    );
    return fragment(`[${rendered.join(', ')}]`);
  },

  /**
   * The right-hand side of `IN`: `(a, b, c)`. 18.16 rejects an array there.
   * An empty list is not valid SQL, so the caller must handle "no values".
   */
  inList<T extends ScalarType>(items: readonly ScalarInput<T>[], type: T): SqlFragment {
    const values = checkedItems(items, 'lit.inList');
    if (values.length === 0) throw new SqlLiteralError('lit.inList needs at least one value; `IN ()` is not valid SQL');
    return fragment(`(${values.map((item) => renderScalar(item, type)).join(', ')})`);
  },

  /**
   * A renderer of `(v1, v2, …)` tuples of these column types, for the rows of a bulk
   * `INSERT … VALUES`: each value is rendered exactly as `lit.<type>` renders it (Date and
   * DateTime as lit.date / lit.dateTime), and the text equals
   * sql`(${lit.x(v1)}, ${lit.y(v2)}, …)`; it only skips building a fragment per value and
   * the template's checks, which cost most of the CPU of rendering 20,000 rows.
   */
  valuesRow<const T extends readonly ScalarType[]>(types: T): (values: { readonly [K in keyof T]: ScalarInput<T[K]> }) => SqlFragment {
    const columns = [...checkedItems(types, 'lit.valuesRow')] as ScalarType[];
    if (columns.length === 0) throw new SqlLiteralError('lit.valuesRow needs at least one column');
    for (const type of columns) {
      if (type !== 'String' && type !== 'Date' && type !== 'DateTime' && !isIntType(type)) throw new SqlLiteralError(`unknown literal type ${String(type)}`);
    }
    return (values) => {
      const items = checkedItems(values, 'a lit.valuesRow renderer');
      if (items.length !== columns.length) throw new SqlLiteralError(`a lit.valuesRow renderer takes ${columns.length} values, got ${items.length}`);
      const rendered = new Array<string>(columns.length);
      for (let i = 0; i < columns.length; i++) rendered[i] = renderScalar(items[i], columns[i]);
      // join() builds one flat string; `+=` would leave a rope that every later read flattens.
      return fragment(`(${rendered.join(', ')})`);
    };
  },

  /**
   * The reader of the rows a `lit.valuesRow(types)` renderer makes, for rows rendered in one
   * process and inserted by another (the API renders an event's row once, the ingest worker
   * inserts it from the queue job). It accepts exactly the text such a renderer can produce
   * for these types — every value a literal of its column's type, in range, in the canonical
   * form (`'…'` with only the `\\`, `\'` and `\xHH` escapes and no lone surrogate; integers
   * as their decimal text) — so an accepted row is one the renderer could have made and carries
   * nothing else into the statement. Anything else throws SqlLiteralError. Returns the row as a
   * fragment and the values of the `read` columns (strings unquoted, integers as decimal text).
   * String and integer columns only.
   */
  valuesRowReader(
    types: readonly ScalarType[],
    read: readonly number[],
    names: readonly string[] = [],
  ): (text: unknown) => { row: SqlFragment; values: string[] } {
    const columns = [...checkedItems(types, 'lit.valuesRowReader')] as ScalarType[];
    if (columns.length === 0) throw new SqlLiteralError('lit.valuesRowReader needs at least one column');
    const patterns = columns.map((type) => {
      if (type === 'String') return STRING_LITERAL_PATTERN;
      if (isIntType(type)) return intLiteralPattern(type);
      throw new SqlLiteralError(`lit.valuesRowReader reads String and integer columns, not ${String(type)}`);
    });
    const wanted = [...read];
    for (const i of wanted) if (!Number.isInteger(i) || i < 0 || i >= columns.length) throw new SqlLiteralError(`no column ${i} to read`);
    const groups = patterns.map((pattern, i) => (wanted.includes(i) ? `(${pattern})` : pattern));
    const whole = new RegExp(`^\\(${groups.join(', ')}\\)$`);
    // Capture groups come in column order; `values` follows the order of `read`.
    const order = wanted.map((i) => [...wanted].sort((a, b) => a - b).indexOf(i) + 1);
    const stringColumn = wanted.map((i) => columns[i] === 'String');
    return (text) => {
      if (typeof text !== 'string') throw new SqlLiteralError(`a VALUES row must be a string, got a ${describe(text)}`);
      const match = whole.exec(text);
      if (match === null) throw new SqlLiteralError(whyNotARow(text, columns, patterns, names));
      const values = new Array<string>(order.length);
      for (let k = 0; k < order.length; k++) values[k] = stringColumn[k] ? unquoteString(match[order[k]]) : match[order[k]];
      return { row: fragment(text), values };
    };
  },

  /** A backtick-quoted table or column name, accepted only if `allowList` (a schema constant) contains it. */
  identifier<N extends string>(name: N, allowList: readonly N[]): SqlFragment {
    if (!Array.isArray(allowList) || !allowList.includes(name)) {
      throw new SqlLiteralError(`identifier ${JSON.stringify(name)} is not in the allow-list`);
    }
    return fragment(renderIdentifier(name, 'identifier'));
  },

  /** A backtick-quoted database name from validated configuration (not from a request). */
  databaseName(name: string): SqlFragment {
    return fragment(renderIdentifier(name, 'database name'));
  },
} as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'invalid Date';
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}
