import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApiToken, ApiTokenCreateBody, ApiTokenCreated, ApiTokenListQuery, Page } from '@loupe/contracts';
import { NotFoundException } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeBookmark, toPage } from '../common/pagination';
import type { Actor } from './request-context';
import { TokenService } from './token.service';

interface ApiTokenRow {
  id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const DAY_MS = 24 * 3600 * 1000;
const seconds = (d: Date | null): number | null => (d ? Math.floor(d.getTime() / 1000) : null);

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    created_time: seconds(row.created_at)!,
    expires_time: seconds(row.expires_at),
    last_used_time: seconds(row.last_used_at),
    revoked_time: seconds(row.revoked_at),
  };
}

/**
 * Named long-lived API tokens of a user (Loupe extension). The secret exists only in
 * the creation response; the database keeps its hash. Tokens belong to a user, not an
 * ad account, so their audit entries carry no ad account.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, body: ApiTokenCreateBody): Promise<ApiTokenCreated> {
    const expiresAt = body.expires_in_days === undefined ? null : new Date(Date.now() + body.expires_in_days * DAY_MS);
    return this.dataSource.transaction(async (tx) => {
      const issued = await this.tokens.issue(tx, actor.userId, 'API', body.name, expiresAt);
      const created = toApiToken({ id: issued.id, name: body.name, created_at: issued.createdAt, expires_at: expiresAt, last_used_at: null, revoked_at: null });
      await this.audit.record(tx, actor, {
        adAccountId: null,
        objectType: 'TOKEN',
        objectId: issued.id,
        action: 'CREATE',
        newValues: { name: created.name, expires_time: created.expires_time },
      });
      return { ...created, token: issued.token };
    });
  }

  /** The caller's API tokens (never sessions, never secrets), oldest first. */
  async list(userId: string, query: ApiTokenListQuery): Promise<Page<ApiToken>> {
    const params: unknown[] = [userId];
    const where = [`user_id = $1`, `kind = 'API'`];
    if (!query.include_revoked) where.push('revoked_at IS NULL');
    const after = decodeBookmark(query.bookmark);
    if (after !== undefined) {
      params.push(after);
      where.push(`id > $${params.length}`);
    }
    params.push(query.page_size + 1);
    const rows = await this.dataSource.query<ApiTokenRow[]>(
      `SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM access_tokens
        WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, query.page_size, toApiToken);
  }

  /**
   * Revokes one of the caller's API tokens; it fails authentication from the next
   * request on. Revoking an already revoked token succeeds and changes nothing. Another
   * user's token is "not found", so token ids cannot be probed.
   */
  async revoke(actor: Actor, tokenId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      // now() is the transaction's timestamp: the same instant the UPDATE below stores.
      const [token] = await tx.query<{ name: string; revoked: boolean; now: Date }[]>(
        `SELECT name, revoked_at IS NOT NULL AS revoked, now() AS now FROM access_tokens
          WHERE id = $1 AND user_id = $2 AND kind = 'API' FOR UPDATE`,
        [tokenId, actor.userId],
      );
      if (!token) throw new NotFoundException('API token not found.');
      if (token.revoked) return;
      await tx.query(`UPDATE access_tokens SET revoked_at = now() WHERE id = $1`, [tokenId]);
      await this.audit.record(tx, actor, {
        adAccountId: null,
        objectType: 'TOKEN',
        objectId: tokenId,
        action: 'REVOKE',
        oldValues: { name: token.name, revoked_time: null },
        newValues: { name: token.name, revoked_time: seconds(token.now) },
      });
    });
  }
}
