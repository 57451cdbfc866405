import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signEvent, verifyEvent, type SignedEvent } from './signed-event';

const SECRET = 'a-test-secret-of-enough-length-0123456789';
const event: SignedEvent = {
  auctionId: '0f6c2a1e-5b1d-4c7e-9d3a-2b8f1e4c6a70',
  slot: 1,
  adId: '549755813900',
  adGroupId: '549755813899',
  campaignId: '549755813898',
  adAccountId: '549755813890',
  pinId: '549755813880',
  priceMicros: 510_000,
  billableEvent: 'CLICKTHROUGH',
  userKey: 'u_7f3a',
  placement: 'SEARCH',
  ageBucket: '25-34',
  gender: 'female',
  location: 'US-CA',
  device: 'IPHONE',
  locale: 'en-US',
  interest: 'home decor, "quoted"\nand a newline',
  issuedAt: 1_795_000_000,
};

describe('signed tracking events', () => {
  it('round-trips every field', () => {
    const token = signEvent(event, SECRET);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyEvent(token, SECRET, event.issuedAt + 10, 3600)).toEqual({ ok: true, event });
  });

  it('rejects a token whose price (or any field) was changed', () => {
    const [v, body, sig] = signEvent(event, SECRET).split('.');
    const tampered = Buffer.from(body!, 'base64url').toString('utf8').replace('510000', '1');
    const forged = `${v}.${Buffer.from(tampered).toString('base64url')}.${sig}`;
    expect(verifyEvent(forged, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('rejects a token signed with another secret, and garbage', () => {
    expect(verifyEvent(signEvent(event, 'another-secret-another-secret-123'), SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyEvent('v1.abc', SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyEvent('v2.a.b', SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('expires after its time to live and refuses tokens from the future', () => {
    const token = signEvent(event, SECRET);
    expect(verifyEvent(token, SECRET, event.issuedAt + 3601, 3600)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(verifyEvent(token, SECRET, event.issuedAt - 120, 3600)).toEqual({ ok: false, reason: 'NOT_YET_VALID' });
  });

  it('refuses anything but exactly three dot-separated parts starting with v1', () => {
    const [, body, sig] = signEvent(event, SECRET).split('.');
    for (const token of ['v1', 'v1.', `v1.${body}.${sig}.`, `v1.${body}.${sig}.x`, `.v1.${body}.${sig}`, `v10.${body}.${sig}`, `V1.${body}.${sig}`, `x1.${body}.${sig}`]) {
      expect(verifyEvent(token, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
    for (const token of ['v1..', `v1.${body}.`]) expect(verifyEvent(token, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('signs with exactly HMAC-SHA256 of "v1.<body>" (RFC 2104, as createHmac), for any secret and field', () => {
    const secrets = ['k', SECRET, 'x'.repeat(64), 'y'.repeat(65), randomBytes(100).toString('hex'), 'clé-ü-🔑'];
    for (let i = 0; i < 300; i++) {
      const secret = secrets[i % secrets.length]!;
      // Fields of every length, up to tokens longer than 4096 characters (the other code path), and non-ASCII text.
      const filler = i % 50 === 0 ? 'é'.repeat(2000 + i * 3) : randomBytes(i % 97).toString('base64') + (i % 3 === 0 ? 'ß✓' : '');
      const e: SignedEvent = { ...event, auctionId: `a-${i}`, interest: filler, slot: i };
      const token = signEvent(e, secret);
      const [v, body, sig] = token.split('.');
      expect(sig).toBe(createHmac('sha256', secret).update(`${v}.${body}`, 'utf8').digest('base64url'));
      if (token.length <= 4096) expect(verifyEvent(token, secret, e.issuedAt, 3600)).toEqual({ ok: true, event: e });
      else expect(verifyEvent(token, secret, e.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
  });

  it('refuses fields of the wrong type or count even under a valid MAC', () => {
    const sign = (values: unknown[]) => {
      const body = Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
      return `v1.${body}.${createHmac('sha256', SECRET).update(`v1.${body}`, 'utf8').digest('base64url')}`;
    };
    const good = [event.auctionId, 1, '1', '2', '3', '4', '5', 100, 'IMPRESSION', 'u', 'BROWSE', '', '', '', '', '', '', event.issuedAt];
    expect(verifyEvent(sign(good), SECRET, event.issuedAt, 3600).ok).toBe(true);
    for (const bad of [good.slice(1), [...good, 'x'], good.map((v, i) => (i === 1 ? '1' : v)), good.map((v, i) => (i === 7 ? 1.5 : v)), good.map((v, i) => (i === 2 ? 2 : v)), good.map((v, i) => (i === 8 ? 'CPM' : v)), { 0: 'x' }]) {
      expect(verifyEvent(sign(bad as unknown[]), SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
  });
});
