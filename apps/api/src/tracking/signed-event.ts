import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

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
 * Compact signed token: `v1.<base64url JSON array of the fields>.<base64url HMAC-SHA256>`.
 * The MAC covers the version and every field, so any change (a cheaper price, another
 * slot) breaks it. A JSON array (not a delimiter) keeps any character in a field safe.
 */
export function signEvent(event: SignedEvent, secret: string): string {
  const body = Buffer.from(JSON.stringify(FIELDS.map((f) => event[f])), 'utf8').toString('base64url');
  return `${VERSION}.${body}.${mac(`${VERSION}.${body}`, secret)}`;
}

export function verifyEvent(
  token: string,
  secret: string,
  nowSeconds: number,
  ttlSeconds: number,
): { ok: true; event: SignedEvent } | { ok: false; reason: VerifyFailure } {
  if (token.length > 4096) return { ok: false, reason: 'MALFORMED' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'MALFORMED' };
  // The MAC as raw bytes against the given one decoded: no base64url round trip of our own.
  const expected = macBytes(token.slice(0, token.length - parts[2]!.length - 1), secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE' };
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (!Array.isArray(values) || values.length !== FIELDS.length) return { ok: false, reason: 'MALFORMED' };
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS.length; i++) {
    const name = FIELDS[i]!;
    const value: unknown = values[i];
    if (NUMERIC.has(name) ? !Number.isSafeInteger(value) : typeof value !== 'string') return { ok: false, reason: 'MALFORMED' };
    raw[name] = value;
  }
  const event = raw as unknown as SignedEvent;
  if (event.billableEvent !== 'IMPRESSION' && event.billableEvent !== 'CLICKTHROUGH') return { ok: false, reason: 'MALFORMED' };
  // A little clock skew between API processes is normal; more is a forgery or a bug.
  if (event.issuedAt > nowSeconds + 60) return { ok: false, reason: 'NOT_YET_VALID' };
  if (nowSeconds - event.issuedAt > ttlSeconds) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, event };
}

function macBytes(input: string, secret: string): Buffer {
  return createHmac('sha256', keyOf(secret)).update(input, 'utf8').digest();
}

function mac(input: string, secret: string): string {
  return macBytes(input, secret).toString('base64url');
}

/** The secret as a key object, made once: every served ad and every beacon signs or verifies with it. */
let lastSecret: string | null = null;
let lastKey: KeyObject | null = null;
function keyOf(secret: string): KeyObject {
  if (secret !== lastSecret || lastKey === null) {
    lastKey = createSecretKey(Buffer.from(secret, 'utf8'));
    lastSecret = secret;
  }
  return lastKey;
}
