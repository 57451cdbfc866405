import { lit, sql, type SqlFragment } from '@loupe/analytics';
import type { CsvColumnType } from './csv-export';

/*
 * The CSV module's cells rendered by ClickHouse itself (docs/exports.md, "Rendered by
 * ClickHouse"), so a large export is bytes piped from a ClickHouse cursor rather than
 * a JavaScript loop per row. Each expression gives exactly the text csvCell +
 * renderCsvRecords (csv-stringify) writes for the same value: formula neutralisation,
 * then RFC 4180 quoting when the field holds `"` `,` CR LF or `#`. A test compares the
 * two byte for byte on hostile values, on ClickHouse 18.16 and on chdb.
 *
 * Why not FORMAT CSV: ClickHouse ends records with LF (18.16 has no CRLF setting) and
 * quotes every string, and cannot neutralise formulas; so each record is built as one
 * string ending in CR and written with FORMAT TabSeparatedRaw, which adds the LF and
 * escapes nothing.
 */

/** Characters JavaScript's `\s` matches (FORMULA_START's leading whitespace). */
const JS_WHITESPACE = [
  '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680',
  '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff',
];
const SIGNS = ['=', '\\+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20'];

/**
 * neutraliseFormula's FORMULA_START as an RE2 pattern. Multi-byte characters appear
 * only as alternatives, never inside a class: ClickHouse 18.16 matches bytes (Latin-1)
 * and current ClickHouse matches UTF-8, and a literal alternative means the same in both.
 */
export const FORMULA_START_RE2 = `^(?:${[...SIGNS, '\t', '\r'].join('|')}|(?:${JS_WHITESPACE.join('|')})+(?:${SIGNS.join('|')}))`;

/** A String expression made inert (prefixed with ') when a spreadsheet could read it as a formula. */
export function neutraliseFormulaSql(text: SqlFragment): SqlFragment {
  return sql`if(match(${text}, ${lit.string(FORMULA_START_RE2)}), concat('''', ${text}), ${text})`;
}

/** A String expression as an RFC 4180 field, quoted as csv-stringify quotes it under the module's options. */
export function quoteCsvFieldSql(field: SqlFragment): SqlFragment {
  return sql`if(match(${field}, '[",\\r\\n#]'), concat('"', replaceAll(${field}, '"', '""'), '"'), ${field})`;
}

/**
 * The CSV cell of `expression` for a column type, as csvCell writes it:
 * - text: a String, neutralised then quoted when needed;
 * - integer: any integer type, its decimal digits;
 * - money_micros: integer micros (Int64) as currency units with six places, by integer
 *   division and remainder (never a float): -12500000 -> -12.500000.
 * A NULL is an empty cell, as in csvCell.
 */
export function csvCellSql(expression: SqlFragment, type: Exclude<CsvColumnType, 'decimal'>): SqlFragment {
  switch (type) {
    case 'text':
      return sql`ifNull(${quoteCsvFieldSql(neutraliseFormulaSql(expression))}, '')`;
    case 'integer':
      return sql`ifNull(toString(${expression}), '')`;
    case 'money_micros':
      return sql`ifNull(concat(if(${expression} < 0, '-', ''), toString(intDiv(abs(${expression}), 1000000)), '.',
        substring(toString(1000000 + abs(${expression}) % 1000000), 2, 6)), '')`;
  }
}

/**
 * One CSV record as a single String column: the cells joined by commas, ending in CR.
 * Select it alone with FORMAT TabSeparatedRaw, which appends LF: each record then ends
 * in CRLF, byte for byte what renderCsvRecords writes for the same cells.
 */
export function csvRecordSql(cells: readonly SqlFragment[]): SqlFragment {
  if (cells.length === 0) throw new RangeError('a CSV record needs at least one cell');
  return sql`concat(${sql.join(cells.flatMap((cell, i) => (i === 0 ? [cell] : [sql`','`, cell])))}, '\\r')`;
}
