/**
 * Errors from ClickHouse, whichever engine raised them.
 *
 * The numeric code is stable across versions; the text is not (18.16 says
 * "Code: 81, e.displayText() = DB::Exception: Database x doesn't exist",
 * current servers say "Code: 81. DB::Exception: Database x does not exist.
 * (UNKNOWN_DATABASE)"), and @clickhouse/client only recognises the new form.
 * So callers branch on `code`, never on the message.
 */

/** Server error codes Loupe branches on (see ClickHouse's ErrorCodes.cpp). */
export const ClickHouseErrorCode = {
  SYNTAX_ERROR: 62,
  UNKNOWN_TABLE: 60,
  UNKNOWN_DATABASE: 81,
  TIMEOUT_EXCEEDED: 159,
} as const;

export class ClickHouseError extends Error {
  override readonly name = 'ClickHouseError';

  constructor(
    /** Server error code, or null when the server was not reached (network, timeout). */
    readonly code: number | null,
    /** The server's message without the version-specific framing. */
    readonly serverMessage: string,
    /** The statement that failed, shortened. */
    readonly sql: string,
    options?: { cause?: unknown },
  ) {
    super(`${code === null ? 'ClickHouse request failed' : `ClickHouse error ${code}`}: ${serverMessage}`, options);
  }
}

const SERVER_ERROR = /Code: (\d+)[.,]\s*(?:e\.displayText\(\) = )?(?:DB::Exception: )?([\s\S]*)$/;

/** Parses "Code: N ..." text from either server generation; undefined if it is not one. */
export function parseServerError(text: string): { code: number; message: string } | undefined {
  const match = SERVER_ERROR.exec(text);
  if (match === null) return undefined;
  const message = match[2]
    .trim()
    .replace(/,\s*e\.what\(\) = [\w:]+\s*$/, '') // 18.16 suffix
    .replace(/\s*\(version \d[^\n]*$/, '') // current-server suffix
    .trim();
  return { code: Number(match[1]), message };
}

export function toClickHouseError(error: unknown, sql: string): ClickHouseError {
  if (error instanceof ClickHouseError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const parsed = parseServerError(text);
  const statement = sql.length > 500 ? `${sql.slice(0, 500)}…` : sql;
  // @clickhouse/client strips "Code: N" from new-server messages into `code`.
  const clientCode = (error as { code?: unknown } | null)?.code;
  if (parsed === undefined && typeof clientCode === 'string' && /^\d+$/.test(clientCode)) {
    return new ClickHouseError(Number(clientCode), text, statement, { cause: error });
  }
  return new ClickHouseError(parsed?.code ?? null, parsed?.message ?? text, statement, { cause: error });
}
