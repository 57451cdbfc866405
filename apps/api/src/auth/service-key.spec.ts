import { AuthenticationFailedException } from '@loupe/server-core';
import { describe, expect, it } from 'vitest';
import { ServiceKey } from './service-key';

describe('ServiceKey', () => {
  const key = new ServiceKey('the-service-key-0123456789');

  it('accepts the key as a bearer token or in X-Loupe-Service-Key (surrounding spaces ignored)', () => {
    expect(() => key.verify({ authorization: 'Bearer the-service-key-0123456789' })).not.toThrow();
    expect(() => key.verify({ 'x-loupe-service-key': ' the-service-key-0123456789 ' })).not.toThrow();
  });

  it('refuses a missing key, a wrong key, a prefix of the key and a longer key with AuthenticationFailed', () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: 'Bearer the-service-key' },
      { authorization: 'Bearer the-service-key-0123456789x' },
      { authorization: 'Basic the-service-key-0123456789' },
      { 'x-loupe-service-key': 'the-service-key-012345678' },
    ]) {
      expect(() => key.verify(headers), JSON.stringify(headers)).toThrow(AuthenticationFailedException);
    }
  });

  it('still refuses wrong keys, near misses included, once the right key has been accepted and remembered', () => {
    const fresh = new ServiceKey('the-service-key-0123456789');
    for (let i = 0; i < 3; i++) expect(() => fresh.verify({ authorization: 'Bearer the-service-key-0123456789' })).not.toThrow();
    for (const wrong of ['the-service-key-012345678', 'the-service-key-0123456788', 'the-service-key-01234567890', 'THE-SERVICE-KEY-0123456789']) {
      expect(() => fresh.verify({ authorization: `Bearer ${wrong}` }), wrong).toThrow(AuthenticationFailedException);
      // A wrong key is never remembered: it is refused again.
      expect(() => fresh.verify({ authorization: `Bearer ${wrong}` }), wrong).toThrow(AuthenticationFailedException);
    }
    expect(() => fresh.verify({ 'x-loupe-service-key': 'the-service-key-0123456789' })).not.toThrow();
  });

  it('a bearer token takes precedence: a wrong bearer is refused even with the right X-Loupe-Service-Key', () => {
    expect(() => key.verify({ authorization: 'Bearer user-access-token', 'x-loupe-service-key': 'the-service-key-0123456789' })).toThrow(AuthenticationFailedException);
  });
});
