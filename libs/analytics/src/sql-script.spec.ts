import { describe, expect, it } from 'vitest';
import { normaliseStatement, splitSqlStatements, SqlScriptError } from './sql-script';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty statements', () => {
    expect(splitSqlStatements('SELECT 1;\nSELECT 2;;\n  ;')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitSqlStatements('SELECT 1')).toEqual(['SELECT 1']);
    expect(splitSqlStatements('  \n-- only a comment\n')).toEqual([]);
  });

  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const script = [
      "SELECT 'a;b', 'it\\'s;', 'x'';y', `c;d`, \"e;f\"; -- trailing; comment",
      '/* block; comment */ SELECT 2;',
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual(["SELECT 'a;b', 'it\\'s;', 'x'';y', `c;d`, \"e;f\"", 'SELECT 2']);
  });

  it('drops comments without gluing the tokens around them together', () => {
    expect(splitSqlStatements('SELECT/* x */1')).toEqual(['SELECT 1']);
    expect(splitSqlStatements("SELECT 1 -- it's a comment\nFROM t")).toEqual(['SELECT 1  \nFROM t']);
  });

  it('keeps comment markers inside strings', () => {
    expect(splitSqlStatements("SELECT '-- not a comment', '/* nor this */'")).toEqual([
      "SELECT '-- not a comment', '/* nor this */'",
    ]);
  });

  it.each([["SELECT 'open"], ['SELECT `open'], ['SELECT /* open']])('rejects the unterminated %j', (script) => {
    expect(() => splitSqlStatements(script)).toThrow(SqlScriptError);
  });
});

describe('normaliseStatement', () => {
  it('drops trailing spaces and blank lines but keeps indentation', () => {
    expect(normaliseStatement('CREATE TABLE t   \n\n   (\n    a UInt8,  \n  \n   )')).toBe('CREATE TABLE t\n   (\n    a UInt8,\n   )');
  });
});
