import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signEvent, signJson, signPacked, verifyEvent, type SignedEvent } from './signed-event';

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
  it('round-trips every field, in both token versions', () => {
    const token = signEvent(event, SECRET);
    expect(token).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
    expect(verifyEvent(token, SECRET, event.issuedAt + 10, 3600)).toEqual({ ok: true, event });
    const old = signJson(event, SECRET);
    expect(old).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyEvent(old, SECRET, event.issuedAt + 10, 3600)).toEqual({ ok: true, event });
    expect(token.length).toBeLessThan(old.length * 0.75);
  });

  it('rejects a token whose price (or any field) was changed', () => {
    const [v, body, sig] = signJson(event, SECRET).split('.');
    const tampered = Buffer.from(body!, 'base64url').toString('utf8').replace('510000', '1');
    const forged = `${v}.${Buffer.from(tampered).toString('base64url')}.${sig}`;
    expect(verifyEvent(forged, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('rejects a token signed with another secret, and garbage', () => {
    expect(verifyEvent(signEvent(event, 'another-secret-another-secret-123'), SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyEvent(signJson(event, 'another-secret-another-secret-123'), SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyEvent('v1.abc', SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyEvent('v2.a.b', SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('expires after its time to live and refuses tokens from the future', () => {
    for (const token of [signEvent(event, SECRET), signJson(event, SECRET)]) {
      expect(verifyEvent(token, SECRET, event.issuedAt + 3601, 3600)).toEqual({ ok: false, reason: 'EXPIRED' });
      expect(verifyEvent(token, SECRET, event.issuedAt - 120, 3600)).toEqual({ ok: false, reason: 'NOT_YET_VALID' });
    }
  });

  it('refuses anything but exactly three dot-separated parts starting with v1', () => {
    const [, body, sig] = signJson(event, SECRET).split('.');
    for (const token of ['v1', 'v1.', `v1.${body}.${sig}.`, `v1.${body}.${sig}.x`, `.v1.${body}.${sig}`, `v10.${body}.${sig}`, `V1.${body}.${sig}`, `x1.${body}.${sig}`]) {
      expect(verifyEvent(token, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
    for (const token of ['v1..', `v1.${body}.`]) expect(verifyEvent(token, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('signs v1 with exactly HMAC-SHA256 of "v1.<body>" (RFC 2104, as createHmac), for any secret and field', () => {
    const secrets = ['k', SECRET, 'x'.repeat(64), 'y'.repeat(65), randomBytes(100).toString('hex'), 'clé-ü-🔑'];
    for (let i = 0; i < 300; i++) {
      const secret = secrets[i % secrets.length]!;
      // Fields of every length, up to tokens longer than 4096 characters (the other code path), and non-ASCII text.
      const filler = i % 50 === 0 ? 'é'.repeat(2000 + i * 3) : randomBytes(i % 97).toString('base64') + (i % 3 === 0 ? 'ß✓' : '');
      const e: SignedEvent = { ...event, auctionId: `a-${i}`, interest: filler, slot: i };
      const token = signJson(e, secret);
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

  describe('v2, the packed token', () => {
    /** v2 of raw payload bytes under a valid MAC (the first 16 bytes of HMAC-SHA256). */
    const packed = (payload: Buffer, secret = SECRET) =>
      `v2.${Buffer.concat([payload, createHmac('sha256', secret).update(payload).digest().subarray(0, 16)]).toString('base64url')}`;
    const payloadOf = (token: string) => Buffer.from(token.slice(3), 'base64url').subarray(0, -16);

    it('MACs its payload with the first 16 bytes of HMAC-SHA256, and round-trips any secret and field that fits', () => {
      const secrets = ['k', SECRET, 'x'.repeat(64), 'y'.repeat(65), randomBytes(100).toString('hex'), 'clé-ü-🔑'];
      for (let i = 0; i < 300; i++) {
        const secret = secrets[i % secrets.length]!;
        const text = randomBytes(i % 97).toString('base64').slice(0, 200) + (i % 3 === 0 ? 'ß✓🔑' : '');
        const e: SignedEvent = {
          ...event,
          auctionId: i % 4 === 0 ? `a-${i}` : i % 4 === 1 ? event.auctionId.toUpperCase() : randomUUID(),
          userKey: text,
          interest: i % 5 === 0 ? '' : text,
          slot: i % 256,
          priceMicros: i % 7 === 0 ? 2 ** 48 - 1 : i * 1_234_567,
          issuedAt: i % 11 === 0 ? 0xffffffff : event.issuedAt + i,
          billableEvent: i % 2 === 0 ? 'IMPRESSION' : 'CLICKTHROUGH',
        };
        const token = signEvent(e, secret);
        expect(token.startsWith('v2.')).toBe(true);
        expect(token).toBe(packed(payloadOf(token), secret));
        expect(verifyEvent(token, secret, e.issuedAt, 3600)).toEqual({ ok: true, event: e });
      }
    });

    it('packs a lowercase UUID auction id in 16 bytes and any other as text', () => {
      const uuid = signEvent(event, SECRET);
      const text = signEvent({ ...event, auctionId: event.auctionId.toUpperCase() }, SECRET);
      expect(payloadOf(text).length - payloadOf(uuid).length).toBe(36 + 1 - 16);
      expect((verifyEvent(text, SECRET, event.issuedAt, 3600) as { event: SignedEvent }).event.auctionId).toBe(event.auctionId.toUpperCase());
    });

    it('falls back to v1 for what does not fit: a field over 255 UTF-8 bytes, a price of 2^48 micros or more', () => {
      for (const e of [{ ...event, userKey: 'é'.repeat(128) }, { ...event, interest: 'x'.repeat(256) }, { ...event, priceMicros: 2 ** 48 }]) {
        expect(signPacked(e, SECRET)).toBeNull();
        const token = signEvent(e, SECRET);
        expect(token.startsWith('v1.')).toBe(true);
        expect(verifyEvent(token, SECRET, e.issuedAt, 3600)).toEqual({ ok: true, event: e });
      }
      expect(signPacked({ ...event, interest: 'x'.repeat(255) }, SECRET)).not.toBeNull();
    });

    it('refuses every changed byte, a truncated token, and characters outside base64url', () => {
      const token = signEvent(event, SECRET);
      const bytes = Buffer.from(token.slice(3), 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        const changed = Buffer.from(bytes);
        changed[i] = changed[i]! ^ 0x01;
        expect(verifyEvent(`v2.${changed.toString('base64url')}`, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
      }
      expect(verifyEvent(`v2.${bytes.subarray(0, -1).toString('base64url')}`, SECRET, event.issuedAt, 3600).ok).toBe(false);
      for (const bad of [`${token.slice(0, 10)}!${token.slice(11)}`, `${token.slice(0, 10)}.${token.slice(11)}`, `${token}=`, 'v2.', 'v2.A', 'v2.AAAA']) {
        expect(verifyEvent(bad, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
      }
    });

    it('refuses a payload that is not one under a valid MAC: version, flags, lengths, trailing bytes', () => {
      const good = payloadOf(signEvent(event, SECRET));
      expect(verifyEvent(packed(good), SECRET, event.issuedAt, 3600).ok).toBe(true);
      const edit = (f: (b: Buffer) => Buffer) => packed(f(Buffer.from(good)));
      for (const token of [
        edit((b) => ((b[0] = 1), b)),
        edit((b) => ((b[1] = b[1]! | 4), b)),
        edit((b) => Buffer.concat([b, Buffer.from([0])])),
        edit((b) => b.subarray(0, -1)),
        edit((b) => b.subarray(0, 20)),
        edit((b) => ((b[13 + 16] = 250), b)),
      ]) {
        expect(verifyEvent(token, SECRET, event.issuedAt, 3600)).toEqual({ ok: false, reason: 'MALFORMED' });
      }
    });
  });
});
