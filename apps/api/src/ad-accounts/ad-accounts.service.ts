import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AD_ACCOUNTS_PER_USER_MAX,
  ErrorCode,
  type AdAccount,
  type AdAccountCreateBody,
  type AdAccountListQuery,
  type AdAccountRole,
  type AdAccountUpdateBody,
  type Page,
} from '@loupe/contracts';
import { DomainException, InvalidParametersException, NotFoundException } from '@loupe/server-core';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';
import { decodeBookmark, toPage } from '../common/pagination';
import { ServingChanges } from '../serving/serving-changes';

export interface NewAdAccount {
  businessId: string;
  ownerUserId: string;
  name: string;
  country: string;
  currency: string;
  timezone: string;
}

export interface AdAccountRow {
  id: string;
  name: string;
  owner_user_id: string;
  owner_username: string;
  country: string;
  currency: string;
  timezone: string;
  role: AdAccountRole;
  created_at: Date;
  updated_at: Date;
}

/** Pinterest's `AdAccount` shape; `permissions` are the caller's roles on it. */
export function toAdAccount(row: AdAccountRow): AdAccount {
  return {
    id: row.id,
    name: row.name,
    owner: { id: row.owner_user_id, username: row.owner_username },
    country: row.country.trim(),
    currency: row.currency.trim(),
    timezone: row.timezone,
    permissions: [row.role],
    created_time: Math.floor(row.created_at.getTime() / 1000),
    updated_time: Math.floor(row.updated_at.getTime() / 1000),
  };
}

/** Ad accounts as seen by one user ($1): only those the user holds a role on, with that role. */
const ACCOUNTS_OF_USER = `
  SELECT a.id, a.name, a.owner_user_id, o.username AS owner_username, a.country, a.currency, a.timezone,
         m.role, a.created_at, a.updated_at
    FROM ad_accounts a
    JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $1
    JOIN users o ON o.id = a.owner_user_id`;

@Injectable()
export class AdAccountsService {
  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servingChanges: ServingChanges,
  ) {}

  /** Creates an ad account with its owner as ADMIN, inside the caller's transaction. */
  async createInTransaction(manager: EntityManager, actor: Actor, input: NewAdAccount): Promise<string> {
    const [account] = await manager.query<{ id: string }[]>(
      // No history yet, so its local-day rollups are complete in its timezone from the start.
      `INSERT INTO ad_accounts (business_id, owner_user_id, name, country, currency, timezone, local_rollups_timezone)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
      [input.businessId, input.ownerUserId, input.name, input.country, input.currency, input.timezone],
    );
    const id = account!.id;
    await manager.query(`INSERT INTO ad_account_members (ad_account_id, user_id, role) VALUES ($1, $2, 'ADMIN')`, [id, input.ownerUserId]);
    await this.audit.record(manager, actor, {
      adAccountId: id,
      objectType: 'AD_ACCOUNT',
      objectId: id,
      action: 'CREATE',
      newValues: { name: input.name, country: input.country, currency: input.currency, timezone: input.timezone },
    });
    return id;
  }

  /** The accounts the user has a role on (owned only, unless shared ones are asked for), by id. */
  async list(userId: string, query: AdAccountListQuery): Promise<Page<AdAccount>> {
    const params: unknown[] = [userId];
    const where: string[] = [];
    if (!query.include_shared_accounts) where.push('a.owner_user_id = $1');
    const after = decodeBookmark(query.bookmark);
    if (after !== undefined) {
      params.push(after);
      where.push(`a.id > $${params.length}`);
    }
    params.push(query.page_size + 1);
    const rows = await this.dataSource.query<AdAccountRow[]>(
      `${ACCOUNTS_OF_USER} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, query.page_size, toAdAccount);
  }

  async get(userId: string, adAccountId: string, manager: EntityManager = this.dataSource.manager): Promise<AdAccount> {
    const [row] = await manager.query<AdAccountRow[]>(`${ACCOUNTS_OF_USER} WHERE a.id = $2`, [userId, adAccountId]);
    if (!row) throw new NotFoundException('Ad account not found.');
    return toAdAccount(row);
  }

  /**
   * POST /v5/ad_accounts: a new account in the caller's business, the caller its owner
   * and ADMIN. The per-user cap counts the accounts the caller owns; the caller's user
   * row is locked so two concurrent creates cannot both pass the check.
   */
  async create(actor: Actor, body: AdAccountCreateBody): Promise<AdAccount> {
    if (body.owner_user_id !== undefined && body.owner_user_id !== actor.userId) {
      throw new InvalidParametersException(
        'Invalid parameters. owner_user_id: you can only create ad accounts you own; omit owner_user_id or pass your own user id.',
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const [user] = await tx.query<{ business_id: string }[]>(`SELECT business_id FROM users WHERE id = $1 FOR UPDATE`, [actor.userId]);
      if (!user) throw new NotFoundException('User not found.');
      const [{ owned } = { owned: 0 }] = await tx.query<{ owned: number }[]>(
        `SELECT count(*)::int AS owned FROM ad_accounts WHERE owner_user_id = $1`,
        [actor.userId],
      );
      if (owned >= AD_ACCOUNTS_PER_USER_MAX) {
        throw new DomainException(
          ErrorCode.Conflict,
          `You already own ${owned} ad accounts, the most one user may own (${AD_ACCOUNTS_PER_USER_MAX}). Reuse an existing ad account or have another user of your business create it.`,
        );
      }
      const id = await this.createInTransaction(tx, actor, {
        businessId: user.business_id,
        ownerUserId: actor.userId,
        name: body.name,
        country: body.country,
        currency: body.currency,
        timezone: body.timezone,
      });
      return this.get(actor.userId, id, tx);
    });
  }

  /**
   * PATCH (Loupe extension): name and timezone. A new timezone moves where future days,
   * months and quarters of budgets and reports are cut; stored events and money are UTC
   * instants and do not change.
   */
  async update(actor: Actor, adAccountId: string, body: AdAccountUpdateBody): Promise<AdAccount> {
    const updated = await this.dataSource.transaction(async (tx) => {
      const [current] = await tx.query<{ name: string; timezone: string }[]>(
        `SELECT name, timezone FROM ad_accounts WHERE id = $1 FOR NO KEY UPDATE`,
        [adAccountId],
      );
      if (!current) throw new NotFoundException('Ad account not found.');
      const next = { name: body.name ?? current.name, timezone: body.timezone ?? current.timezone };
      if (next.name !== current.name || next.timezone !== current.timezone) {
        // A new timezone: its local-day rollups are not built yet, so reads leave them until the
        // worker's local-days job has rebuilt the account's history in it (docs/reports.md, "Local days").
        await tx.query(
          `UPDATE ad_accounts SET name = $2, timezone = $3,
             local_rollups_timezone = CASE WHEN timezone = $3 THEN local_rollups_timezone ELSE NULL END, updated_at = now()
           WHERE id = $1`,
          [adAccountId, next.name, next.timezone],
        );
        await this.audit.record(tx, actor, {
          adAccountId,
          objectType: 'AD_ACCOUNT',
          objectId: adAccountId,
          action: 'UPDATE',
          oldValues: { name: current.name, timezone: current.timezone },
          newValues: next,
        });
      }
      return this.get(actor.userId, adAccountId, tx);
    });
    // A new timezone moves the days budgets are cut in: the serving index reloads the account once committed.
    await this.servingChanges.adAccountChanged(adAccountId);
    return updated;
  }
}
