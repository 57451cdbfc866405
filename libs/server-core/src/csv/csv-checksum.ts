import { createHash } from 'node:crypto';
import { CHECKSUM_KEY } from './csv-export';

/** What `verifyCsvChecksum` found. */
export interface CsvChecksumResult {
  /** True when the file states a checksum and the data bytes hash to it. */
  readonly valid: boolean;
  /** Where the file carries its checksum; null when it carries none. */
  readonly placement: 'header' | 'trailer' | null;
  /** The SHA-256 the file states (hex), null when it states none. */
  readonly expected: string | null;
  /** The SHA-256 of the data bytes as read. */
  readonly actual: string;
  /** The number of data rows the file states. */
  readonly rows: number | null;
  /** The header's `key: value` lines, decoded (the first line, without a key, is `title`). */
  readonly meta: Readonly<Record<string, string>>;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HASH_CHAR = 0x23; // '#'
const LF = 0x0a;
/** A trailer line is < 128 bytes; keep more than that unhashed until the end. */
const TAIL_BYTES = 4096;
const MAX_HEADER_LINE = 64 * 1024;
const CHECKSUM_VALUE = /^([0-9a-f]{64}); rows: (\d+)$/;

/**
 * Checks a CSV export against the checksum it carries (docs/exports.md): SHA-256 of
 * every byte after the `#` header block (the column row and the data rows), up to the
 * trailer line when the checksum is in the trailer. Reads the input once, streaming,
 * so a file of any size is checked in flat memory.
 */
export async function verifyCsvChecksum(input: Buffer | string | AsyncIterable<Buffer | string>): Promise<CsvChecksumResult> {
  const chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string> = typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input;
  const hash = createHash('sha256');
  const meta: Record<string, string> = {};
  let inHeader = true;
  let atStart = true;
  let pending: Buffer = Buffer.alloc(0);

  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk]);
    if (atStart) {
      if (pending.length < BOM.length && BOM.subarray(0, pending.length).equals(pending)) continue;
      if (pending.subarray(0, BOM.length).equals(BOM)) pending = pending.subarray(BOM.length);
      atStart = false;
    }
    if (inHeader) {
      const rest = consumeHeader(pending, meta);
      if (rest === null) {
        if (pending.length > MAX_HEADER_LINE) throw new RangeError('CSV header line too long');
        continue;
      }
      pending = rest.remaining;
      inHeader = !rest.done;
      if (inHeader) continue;
    }
    if (meta[CHECKSUM_KEY] !== undefined) {
      hash.update(pending);
      pending = Buffer.alloc(0);
    } else if (pending.length > TAIL_BYTES) {
      hash.update(pending.subarray(0, pending.length - TAIL_BYTES));
      pending = Buffer.from(pending.subarray(pending.length - TAIL_BYTES));
    }
  }

  let placement: CsvChecksumResult['placement'] = null;
  let stated: string | undefined = meta[CHECKSUM_KEY];
  if (stated !== undefined) {
    placement = 'header';
  } else {
    const trailer = splitTrailer(pending);
    if (trailer) {
      placement = 'trailer';
      stated = trailer.value;
      pending = trailer.data;
    }
    hash.update(pending);
  }
  const parsed = stated === undefined ? null : CHECKSUM_VALUE.exec(stated);
  const actual = hash.digest('hex');
  return {
    valid: parsed !== null && parsed[1] === actual,
    placement,
    expected: parsed ? parsed[1]! : null,
    actual,
    rows: parsed ? Number(parsed[2]) : null,
    meta,
  };
}

/**
 * Reads complete `#` lines off the front of `buffer` into `meta`. Returns what is left
 * and whether the header has ended (the next byte is not `#`), or null when it needs
 * more bytes to decide.
 */
function consumeHeader(buffer: Buffer, meta: Record<string, string>): { remaining: Buffer; done: boolean } | null {
  let offset = 0;
  while (offset < buffer.length) {
    if (buffer[offset] !== HASH_CHAR) return { remaining: buffer.subarray(offset), done: true };
    const end = buffer.indexOf(LF, offset);
    if (end < 0) return offset === 0 ? null : { remaining: buffer.subarray(offset), done: false };
    const line = buffer.subarray(offset + 1, end).toString('utf8').replace(/\r$/, '').replace(/^ /, '');
    const colon = line.indexOf(': ');
    if (colon < 0 && meta.title === undefined) meta.title = decode(line);
    else if (colon >= 0) meta[decode(line.slice(0, colon))] = decode(line.slice(colon + 2));
    offset = end + 1;
  }
  return { remaining: buffer.subarray(offset), done: false };
}

/** The last line, when it is `# sha256: ...`, split from the data before it. */
function splitTrailer(tail: Buffer): { data: Buffer; value: string } | null {
  if (tail.length < 2 || tail[tail.length - 1] !== LF) return null;
  const start = tail.lastIndexOf(LF, tail.length - 2) + 1;
  const line = tail.subarray(start).toString('utf8').replace(/\r?\n$/, '');
  const prefix = `# ${CHECKSUM_KEY}: `;
  if (!line.startsWith(prefix)) return null;
  return { data: tail.subarray(0, start), value: line.slice(prefix.length) };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
