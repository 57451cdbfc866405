import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export type TokenKind = 'SESSION' | 'API';

export interface Principal {
  userId: string;
  tokenId: string;
  tokenKind: TokenKind;
}

/** Sessions from /v5/auth/login last 30 days, as Pinterest's access tokens do. */
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
const TOKEN_PREFIX = 'loupe_';

/**
 * Bearer tokens are 256 random bits; only their SHA-256 is stored. A fast hash is
 * right here (unlike passwords) because the secret has full entropy.
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

@Injectable()
export class TokenService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(
    manager: EntityManager,
    userId: string,
    kind: TokenKind,
    name: string,
    expiresAt: Date | null,
  ): Promise<{ id: string; token: string; createdAt: Date }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const [row] = await manager.query<{ id: string; created_at: Date }[]>(
      `INSERT INTO access_tokens (user_id, kind, name, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
      [userId, kind, name, hashToken(token), expiresAt],
    );
    return { id: row!.id, token, createdAt: row!.created_at };
  }

  /** The principal behind a bearer token, or null if unknown, revoked or expired. */
  async verify(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 128) return null;
    const [row] = await this.dataSource.query<{ id: string; user_id: string; kind: TokenKind; stale: boolean }[]>(
      `SELECT id, user_id, kind, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
         FROM access_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashToken(token)],
    );
    if (!row) return null;
    // last_used_at is informational; refresh it at most once a minute per token.
    if (row.stale) await this.dataSource.query(`UPDATE access_tokens SET last_used_at = now() WHERE id = $1`, [row.id]);
    return { userId: row.user_id, tokenId: row.id, tokenKind: row.kind };
  }
}
