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
});
