import { hash, timingSafeEqual } from 'node:crypto';
import { AuthenticationFailedException } from '@loupe/server-core';
import type { IncomingHttpHeaders } from 'node:http';

/** One-shot SHA-256 (no Hash object per request: the serve path checks the key on every call). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * The shared key of service routes (`/internal/*`), sent as `Authorization: Bearer <key>`
 * or `X-Loupe-Service-Key: <key>`. User access tokens are not service keys.
 */
export class ServiceKey {
  private readonly expected: Buffer;

  constructor(key: string) {
    this.expected = digest(key);
  }

  /** Throws AuthenticationFailedException unless the headers carry the key. */
  verify(headers: IncomingHttpHeaders): void {
    const header = headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const explicit = headers['x-loupe-service-key'];
    const given = bearer ?? (typeof explicit === 'string' ? explicit.trim() : undefined);
    if (!given) {
      throw new AuthenticationFailedException('Authentication failed: this is a service route; send "Authorization: Bearer <SERVICE_KEY>".');
    }
    // Digests have one length, so the comparison is constant-time whatever was sent.
    if (!timingSafeEqual(digest(given), this.expected)) {
      throw new AuthenticationFailedException('Authentication failed: the service key is wrong (user access tokens are not accepted on service routes).');
    }
  }
}
