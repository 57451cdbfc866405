import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a tracking URL vouches for. The auction signs it when it returns an ad; the
 * beacon and click endpoints charge the price found here, never one sent by a client.
 */
export interface SignedEvent {
  auctionId: string;
  slot: number;
  adId: string;
  adGroupId: string;
  campaignId: string;
  adAccountId: string;
  /** Charge per billable event in the account's currency, integer micros. */
  priceMicros: number;
  billableEvent: 'IMPRESSION' | 'CLICKTHROUGH';
  /** Opaque user key of the request (for frequency and attribution). */
  userKey: string;
  /** When the auction ran, unix seconds. */
  issuedAt: number;
}

export type VerifyFailure = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'NOT_YET_VALID';

const VERSION = 'v1';
const FIELDS = ['auctionId', 'slot', 'adId', 'adGroupId', 'campaignId', 'adAccountId', 'priceMicros', 'billableEvent', 'userKey', 'issuedAt'] as const;

/**
 * Compact signed token: `v1.<base64url fields>.<base64url HMAC-SHA256>`. The MAC covers
 * the version and every field, so any change (a cheaper price, another slot) breaks it.
 */
export function signEvent(event: SignedEvent, secret: string): string {
  const body = Buffer.from(FIELDS.map((f) => String(event[f])).join('\n'), 'utf8').toString('base64url');
  return `${VERSION}.${body}.${mac(`${VERSION}.${body}`, secret)}`;
}

export function verifyEvent(
  token: string,
  secret: string,
  nowSeconds: number,
  ttlSeconds: number,
): { ok: true; event: SignedEvent } | { ok: false; reason: VerifyFailure } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || token.length > 2048) return { ok: false, reason: 'MALFORMED' };
  const expected = Buffer.from(mac(`${parts[0]}.${parts[1]}`, secret), 'base64url');
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE' };
  const values = Buffer.from(parts[1]!, 'base64url').toString('utf8').split('\n');
  if (values.length !== FIELDS.length) return { ok: false, reason: 'MALFORMED' };
  const raw = Object.fromEntries(FIELDS.map((f, i) => [f, values[i]!]));
  const event: SignedEvent = {
    auctionId: raw.auctionId!,
    slot: Number(raw.slot),
    adId: raw.adId!,
    adGroupId: raw.adGroupId!,
    campaignId: raw.campaignId!,
    adAccountId: raw.adAccountId!,
    priceMicros: Number(raw.priceMicros),
    billableEvent: raw.billableEvent as SignedEvent['billableEvent'],
    userKey: raw.userKey!,
    issuedAt: Number(raw.issuedAt),
  };
  if (!Number.isSafeInteger(event.priceMicros) || !Number.isInteger(event.slot) || !Number.isInteger(event.issuedAt)) {
    return { ok: false, reason: 'MALFORMED' };
  }
  // A little clock skew between API processes is normal; more is a forgery or a bug.
  if (event.issuedAt > nowSeconds + 60) return { ok: false, reason: 'NOT_YET_VALID' };
  if (nowSeconds - event.issuedAt > ttlSeconds) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, event };
}

function mac(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input, 'utf8').digest('base64url');
}
