import { describe, expect, it } from 'vitest';
import { ClickHouseError, parseServerError, toClickHouseError } from './clickhouse-error';

describe('parseServerError', () => {
  it.each([
    [
      '18.16',
      "Code: 81, e.displayText() = DB::Exception: Database nope doesn't exist, e.what() = DB::Exception\n",
      81,
      "Database nope doesn't exist",
    ],
    [
      'current server',
      'Code: 81. DB::Exception: Database nope does not exist. (UNKNOWN_DATABASE) (version 24.8.4.13 (official build))\n',
      81,
      'Database nope does not exist. (UNKNOWN_DATABASE)',
    ],
    ['chdb', 'Query failed: Code: 62. DB::Exception: Syntax error: failed at position 7. (SYNTAX_ERROR)', 62, 'Syntax error: failed at position 7. (SYNTAX_ERROR)'],
  ])('reads the code and message of a %s error', (_, text, code, message) => {
    expect(parseServerError(text)).toEqual({ code, message });
  });

  it('returns undefined for text that is not a server error', () => {
    expect(parseServerError('connect ECONNREFUSED 127.0.0.1:8123')).toBeUndefined();
  });
});

describe('toClickHouseError', () => {
  it('keeps a network error as code null with its message and cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = toClickHouseError(cause, 'SELECT 1');
    expect(error).toBeInstanceOf(ClickHouseError);
    expect(error).toMatchObject({ code: null, serverMessage: 'connect ECONNREFUSED 127.0.0.1:1', sql: 'SELECT 1', cause });
  });

  it('takes the numeric code @clickhouse/client already split off a current-server message', () => {
    const cause = Object.assign(new Error('Database nope does not exist.'), { code: '81', type: 'UNKNOWN_DATABASE' });
    expect(toClickHouseError(cause, 'SELECT 1')).toMatchObject({ code: 81, serverMessage: 'Database nope does not exist.' });
  });

  it('shortens long statements', () => {
    expect(toClickHouseError(new Error('x'), 'S'.repeat(2000)).sql).toHaveLength(501);
  });
});
