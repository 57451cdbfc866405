/**
 * Splits a SQL script (a migration file) into statements, because the HTTP
 * interface runs one statement per request.
 *
 * Deliberately small, since the scripts are ours: a statement ends at a `;`
 * outside a quoted string ('...'), quoted identifier ("..." or `...`) and
 * comment (-- to end of line, or /* ... *\/). Comments are dropped (replaced
 * by a space, so tokens on either side stay apart); empty statements are
 * dropped; the rest is returned trimmed, without the `;`.
 */

export class SqlScriptError extends Error {
  override readonly name = 'SqlScriptError';
}

const QUOTES = new Set(["'", '"', '`']);

export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < script.length) {
    const char = script[i];
    const next = script[i + 1];
    if (char === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
      current += ' ';
    } else if (char === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      if (end === -1) throw new SqlScriptError(`unterminated /* comment at offset ${i}`);
      i = end + 2;
      current += ' ';
    } else if (QUOTES.has(char)) {
      const end = endOfQuoted(script, i);
      current += script.slice(i, end);
      i = end;
    } else if (char === ';') {
      statements.push(current);
      current = '';
      i++;
    } else {
      current += char;
      i++;
    }
  }
  statements.push(current);
  return statements.map((statement) => statement.trim()).filter((statement) => statement !== '');
}

/** Index just past the quoted section opening at `start`; handles `\x` escapes and doubled quotes. */
function endOfQuoted(script: string, start: number): number {
  const quote = script[start];
  let i = start + 1;
  while (i < script.length) {
    if (script[i] === '\\') i += 2;
    else if (script[i] === quote && script[i + 1] === quote) i += 2;
    else if (script[i] === quote) return i + 1;
    else i++;
  }
  throw new SqlScriptError(`unterminated ${quote} quote at offset ${start}`);
}

/** The statement as reviewers should see it: no trailing spaces, no blank lines. */
export function normaliseStatement(statement: string): string {
  return statement
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n');
}
