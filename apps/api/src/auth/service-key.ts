import { hash, timingSafeEqual } from 'node:crypto';
import { AuthenticationFailedException } from '@loupe/server-core';
import type { IncomingHttpHeaders } from 'node:http';

/** One-shot SHA-256 (no Hash object per request: the serve path checks the key on every call). */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Distinct spellings of the right key remembered (`ServiceKey.accepted`); a handful at most in practice. */
const MAX_ACCEPTED = 16;

/**
 * The shared key of service routes (`/internal/*`), sent as `Authorization: Bearer <key>`
 * or `X-Loupe-Service-Key: <key>`. User access tokens are not service keys.
 */
export class ServiceKey {
  private readonly expected: Buffer;
  /**
   * Values already found to be the key, so that the ad server's callers, who send the
   * same key on every request, cost a set lookup instead of a SHA-256 (the digest was a
   * third of the serve path's hashing). Only the right key is ever added, so a wrong one
   * still goes through the constant-time comparison of digests; the lookup hashes the
   * string with V8's per-process seeded hash and compares contents only on an equal hash.
   */
  private readonly accepted = new Set<string>();

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
    if (this.accepted.has(given)) return;
    // Digests have one length, so the comparison is constant-time whatever was sent.
    if (!timingSafeEqual(digest(given), this.expected)) {
      throw new AuthenticationFailedException('Authentication failed: the service key is wrong (user access tokens are not accepted on service routes).');
    }
    if (this.accepted.size < MAX_ACCEPTED) this.accepted.add(given);
  }
}
