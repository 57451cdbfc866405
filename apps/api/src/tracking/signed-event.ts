import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * What a tracking URL vouches for. The auction signs it when it returns an ad; the
 * beacon and click endpoints charge the price found here, never one sent by a client,
 * and copy the request's context (placement, the user's segments) into the events.
 */
export interface SignedEvent {
  auctionId: string;
  slot: number;
  adId: string;
  adGroupId: string;
  campaignId: string;
  adAccountId: string;
  pinId: string;
  /** Charge per billable event in the account's currency, integer micros. */
  priceMicros: number;
  billableEvent: 'IMPRESSION' | 'CLICKTHROUGH';
  /** Opaque user key of the request (for frequency and attribution). */
  userKey: string;
  placement: string;
  /** The request's user segments, as the serve request gave them ('' when unknown). */
  ageBucket: string;
  gender: string;
  location: string;
  device: string;
  locale: string;
  /** The targeted interest the ad matched ('' when it matched without one). */
  interest: string;
  /** When the auction ran, unix seconds. */
  issuedAt: number;
}

export type VerifyFailure = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'NOT_YET_VALID';

const VERSION = 'v1';
const FIELDS = [
  'auctionId',
  'slot',
  'adId',
  'adGroupId',
  'campaignId',
  'adAccountId',
  'pinId',
  'priceMicros',
  'billableEvent',
  'userKey',
  'placement',
  'ageBucket',
  'gender',
  'location',
  'device',
  'locale',
  'interest',
  'issuedAt',
] as const satisfies readonly (keyof SignedEvent)[];
const NUMERIC = new Set<string>(['slot', 'priceMicros', 'issuedAt']);

/**
 * The signed token of a tracking URL: `v2.<base64url of the packed fields and a MAC>`
 * (`signPacked`, below) whenever the event fits that form, which every event of the
 * serve path does; otherwise (a field over 255 UTF-8 bytes, a price of 2^48 micros or
 * more) the older `v1.<base64url JSON array of the fields>.<base64url HMAC-SHA256>`.
 * `verifyEvent` takes both, so URLs signed before an upgrade stay valid for their TTL.
 * Either MAC covers the version and every field, so any change (a cheaper price,
 * another slot) breaks it.
 */
export function signEvent(event: SignedEvent, secret: string): string {
  return signPacked(event, secret) ?? signJson(event, secret);
}

/** The v1 token (a JSON array keeps any character in a field safe). Public for tests of old URLs. */
export function signJson(event: SignedEvent, secret: string): string {
  const body = Buffer.from(JSON.stringify(FIELDS.map((f) => event[f])), 'utf8').toString('base64url');
  return `${VERSION}.${body}.${mac(`${VERSION}.${body}`, secret)}`;
}

export function verifyEvent(
  token: string,
  secret: string,
  nowSeconds: number,
  ttlSeconds: number,
): { ok: true; event: SignedEvent } | { ok: false; reason: VerifyFailure } {
  if (token.length > 4096) return MALFORMED;
  if (token.startsWith(PACKED_PREFIX)) return verifyPacked(token, secret, nowSeconds, ttlSeconds);
  // Exactly three dot-separated parts, the first the version (as token.split('.'), without the array).
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first !== VERSION.length || last === first || token.indexOf('.', first + 1) !== last || !token.startsWith(VERSION)) return MALFORMED;
  // The MAC as raw bytes against the given one decoded: no base64url round trip of our own.
  const expected = macBytes(token.slice(0, last), secret);
  const given = Buffer.from(token.slice(last + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE' };
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(token.slice(first + 1, last), 'base64url').toString('utf8'));
  } catch {
    return MALFORMED;
  }
  if (!Array.isArray(values) || values.length !== FIELDS.length) return MALFORMED;
  for (let i = 0; i < FIELDS.length; i++) {
    const value: unknown = values[i];
    if (IS_NUMERIC[i] ? !Number.isSafeInteger(value) : typeof value !== 'string') return MALFORMED;
  }
  const v = values as (string & number)[];
  // One literal in FIELDS' order (signed-event.spec.ts checks the order): every event has one shape.
  const event: SignedEvent = {
    auctionId: v[0]!,
    slot: v[1]!,
    adId: v[2]!,
    adGroupId: v[3]!,
    campaignId: v[4]!,
    adAccountId: v[5]!,
    pinId: v[6]!,
    priceMicros: v[7]!,
    billableEvent: v[8]! as SignedEvent['billableEvent'],
    userKey: v[9]!,
    placement: v[10]!,
    ageBucket: v[11]!,
    gender: v[12]!,
    location: v[13]!,
    device: v[14]!,
    locale: v[15]!,
    interest: v[16]!,
    issuedAt: v[17]!,
  };
  if (event.billableEvent !== 'IMPRESSION' && event.billableEvent !== 'CLICKTHROUGH') return MALFORMED;
  return inTime(event, nowSeconds, ttlSeconds);
}

function inTime(event: SignedEvent, nowSeconds: number, ttlSeconds: number): { ok: true; event: SignedEvent } | { ok: false; reason: VerifyFailure } {
  // A little clock skew between API processes is normal; more is a forgery or a bug.
  if (event.issuedAt > nowSeconds + 60) return { ok: false, reason: 'NOT_YET_VALID' };
  if (nowSeconds - event.issuedAt > ttlSeconds) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, event };
}

const MALFORMED = { ok: false, reason: 'MALFORMED' } as const;
const IS_NUMERIC = FIELDS.map((f) => NUMERIC.has(f));

/** SHA-256's block size: HMAC pads the key to it (RFC 2104). */
const BLOCK = 64;
/** Inputs up to this many UTF-16 units (tokens are at most 4096 characters) take the one-shot path below. */
const FAST_INPUT_UNITS = 4096;

/** The secret's padded keys and scratch buffers, made once per secret. */
interface MacKey {
  secret: string;
  /** ipad key, then room for the message: H((K ⊕ ipad) ‖ m) is hashed from here in one call. */
  inner: Buffer;
  /** opad key, then the inner digest: H((K ⊕ opad) ‖ H(…)). */
  outer: Buffer;
}
let macKey: MacKey | null = null;

function keyOf(secret: string): MacKey {
  if (macKey !== null && macKey.secret === secret) return macKey;
  let key = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK) key = hash('sha256', key, 'buffer');
  const inner = Buffer.alloc(BLOCK + FAST_INPUT_UNITS * 3);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < key.length ? key[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  macKey = { secret, inner, outer };
  return macKey;
}

/**
 * HMAC-SHA256 (RFC 2104) with two one-shot `crypto.hash` calls over the precomputed
 * padded keys: the same bytes as `createHmac('sha256', secret)` (signed-event.spec.ts
 * compares them), without an Hmac object per call (4.5 → 2.6 µs a MAC in a micro-benchmark). Every
 * served ad signs three URLs and every beacon verifies one. Longer inputs go to createHmac.
 */
function macBytes(input: string, secret: string): Buffer {
  if (input.length > FAST_INPUT_UNITS) return createHmac('sha256', secret).update(input, 'utf8').digest();
  const key = keyOf(secret);
  const n = key.inner.write(input, BLOCK, 'utf8');
  hash('sha256', key.inner.subarray(0, BLOCK + n), 'buffer').copy(key.outer, BLOCK);
  return hash('sha256', key.outer, 'buffer');
}

function mac(input: string, secret: string): string {
  return macBytes(input, secret).toString('base64url');
}

/*
 * The packed token, v2: `v2.` + base64url(payload ‖ MAC), where MAC is the first 16
 * bytes of HMAC-SHA256(secret, payload) (RFC 2104 truncation to 128 bits, as in RFC
 * 4868) and the payload is:
 *
 *   byte 0        2 (the version, inside the MAC)
 *   byte 1        flags: bit 0 CLICKTHROUGH (else IMPRESSION), bit 1 the auction id is
 *                 a lowercase UUID packed as 16 bytes (else a string, below)
 *   bytes 2–5     issuedAt, unsigned 32-bit big-endian
 *   byte 6        slot
 *   bytes 7–12    priceMicros, unsigned 48-bit big-endian
 *   then          the auction id (16 bytes, or a string), then the 13 strings of
 *                 PACKED_STRINGS, each one length byte and its UTF-8 bytes.
 *
 * About 200 characters where v1 takes about 350, and every served ad carries its token
 * three times (impression, click and engagement URLs). Packed and MAC'd in one scratch
 * buffer behind the padded key: no JSON, and one base64url conversion each way.
 */
const PACKED_PREFIX = 'v2.';
const PACKED_VERSION = 2;
const PACKED_MAC_BYTES = 16;
const MAX_PACKED_STRING = 255;
const MAX_PRICE = 2 ** 48 - 1;
const FLAG_CLICKTHROUGH = 1;
const FLAG_UUID = 2;
const HEADER_BYTES = 13;
/** The text fields, in FIELDS' order: adId … pinId, userKey, placement, the five segments, interest. */
type PackedString = Exclude<(typeof FIELDS)[number], 'auctionId' | 'slot' | 'priceMicros' | 'billableEvent' | 'issuedAt'>;
const PACKED_STRINGS = FIELDS.filter((f): f is PackedString => f !== 'auctionId' && f !== 'billableEvent' && !NUMERIC.has(f));
/** Room for the largest payload: the header, a string auction id and 13 strings of 255 bytes, then the MAC. */
const MAX_PAYLOAD = HEADER_BYTES + 14 * (1 + MAX_PACKED_STRING);

/** Writes `s` as a length byte and its UTF-8 bytes at `at`; the offset after it, or -1 when it is over 255 bytes. */
function putString(buf: Buffer, at: number, s: string): number {
  const n = s.length;
  if (n <= MAX_PACKED_STRING) {
    let i = 0;
    // ASCII (every id and segment the serve path has) is copied unit by unit: no call into C++.
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      buf[at + 1 + i] = c;
    }
    if (i === n) {
      buf[at] = n;
      return at + 1 + n;
    }
  }
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > MAX_PACKED_STRING) return -1;
  buf[at] = bytes;
  buf.write(s, at + 1, bytes, 'utf8');
  return at + 1 + bytes;
}

/** A lowercase UUID's 16 bytes at `at`; false (nothing meant) when `id` is not one. */
function putUuid(buf: Buffer, at: number, id: string): boolean {
  if (id.length !== 36) return false;
  let o = at;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 45) return false;
      continue;
    }
    const hi = hexValue(id.charCodeAt(i++));
    const lo = hexValue(id.charCodeAt(i));
    if (hi < 0 || lo < 0) return false;
    buf[o++] = (hi << 4) | lo;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function readUuid(buf: Buffer, at: number): string {
  let id = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) id += '-';
    id += HEX[buf[at + i]!];
  }
  return id;
}

/** The v2 token, or null when the event does not fit it (then v1 is used). */
export function signPacked(event: SignedEvent, secret: string): string | null {
  const { issuedAt, slot, priceMicros } = event;
  if (!(issuedAt >= 0 && issuedAt <= 0xffffffff && Number.isInteger(issuedAt))) return null;
  if (!(slot >= 0 && slot <= 255 && Number.isInteger(slot))) return null;
  if (!(priceMicros >= 0 && priceMicros <= MAX_PRICE && Number.isInteger(priceMicros))) return null;
  const key = keyOf(secret);
  const buf = key.inner;
  const start = BLOCK;
  buf[start] = PACKED_VERSION;
  buf.writeUInt32BE(issuedAt, start + 2);
  buf[start + 6] = slot;
  buf.writeUIntBE(priceMicros, start + 7, 6);
  let at = start + HEADER_BYTES;
  let flags = event.billableEvent === 'CLICKTHROUGH' ? FLAG_CLICKTHROUGH : 0;
  if (putUuid(buf, at, event.auctionId)) {
    flags |= FLAG_UUID;
    at += 16;
  } else if ((at = putString(buf, at, event.auctionId)) < 0) return null;
  buf[start + 1] = flags;
  for (let i = 0; i < PACKED_STRINGS.length; i++) {
    at = putString(buf, at, event[PACKED_STRINGS[i]!]);
    if (at < 0) return null;
  }
  macInto(key, at);
  hash('sha256', key.outer, 'buffer').copy(buf, at, 0, PACKED_MAC_BYTES);
  return PACKED_PREFIX + buf.toString('base64url', start, at + PACKED_MAC_BYTES);
}

/** H((K ⊕ ipad) ‖ payload) into the outer buffer, the payload being key.inner[BLOCK, end). */
function macInto(key: MacKey, end: number): void {
  hash('sha256', key.inner.subarray(0, end), 'buffer').copy(key.outer, BLOCK);
}

function verifyPacked(token: string, secret: string, nowSeconds: number, ttlSeconds: number): { ok: true; event: SignedEvent } | { ok: false; reason: VerifyFailure } {
  const encoded = token.length - PACKED_PREFIX.length;
  // base64url without padding: 4k + 1 characters encode nothing whole.
  if (encoded % 4 === 1) return MALFORMED;
  const key = keyOf(secret);
  const buf = key.inner;
  const n = buf.write(token.slice(PACKED_PREFIX.length), BLOCK, 'base64url');
  // Characters outside the alphabet are skipped by the decoder: the count tells.
  if (n !== Math.floor((encoded * 3) / 4) || n < HEADER_BYTES + PACKED_MAC_BYTES || n > MAX_PAYLOAD + PACKED_MAC_BYTES) return MALFORMED;
  const end = BLOCK + n - PACKED_MAC_BYTES;
  macInto(key, end);
  const expected = hash('sha256', key.outer, 'buffer');
  if (!timingSafeEqual(expected.subarray(0, PACKED_MAC_BYTES), buf.subarray(end, end + PACKED_MAC_BYTES))) return { ok: false, reason: 'BAD_SIGNATURE' };
  const start = BLOCK;
  const flags = buf[start + 1]!;
  if (buf[start] !== PACKED_VERSION || (flags & ~(FLAG_CLICKTHROUGH | FLAG_UUID)) !== 0) return MALFORMED;
  let at = start + HEADER_BYTES;
  let auctionId: string;
  if ((flags & FLAG_UUID) !== 0) {
    if (at + 16 > end) return MALFORMED;
    auctionId = readUuid(buf, at);
    at += 16;
  } else {
    const len = buf[at]!;
    if (at + 1 + len > end) return MALFORMED;
    auctionId = buf.toString('utf8', at + 1, at + 1 + len);
    at += 1 + len;
  }
  const strings: string[] = [];
  for (let i = 0; i < PACKED_STRINGS.length; i++) {
    if (at >= end) return MALFORMED;
    const len = buf[at]!;
    if (at + 1 + len > end) return MALFORMED;
    strings.push(len === 0 ? '' : buf.toString('utf8', at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (at !== end) return MALFORMED;
  // One literal in SignedEvent's order: every event has one shape.
  const event: SignedEvent = {
    auctionId,
    slot: buf[start + 6]!,
    adId: strings[0]!,
    adGroupId: strings[1]!,
    campaignId: strings[2]!,
    adAccountId: strings[3]!,
    pinId: strings[4]!,
    priceMicros: buf.readUIntBE(start + 7, 6),
    billableEvent: (flags & FLAG_CLICKTHROUGH) !== 0 ? 'CLICKTHROUGH' : 'IMPRESSION',
    userKey: strings[5]!,
    placement: strings[6]!,
    ageBucket: strings[7]!,
    gender: strings[8]!,
    location: strings[9]!,
    device: strings[10]!,
    locale: strings[11]!,
    interest: strings[12]!,
    issuedAt: buf.readUInt32BE(start + 2),
  };
  return inTime(event, nowSeconds, ttlSeconds);
}
