import { Injectable } from '@nestjs/common';
import type { AdAccount, AdAccountRole } from '@loupe/contracts';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';

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

@Injectable()
export class AdAccountsService {
  constructor(private readonly audit: AuditService) {}

  /** Creates an ad account with its owner as ADMIN, inside the caller's transaction. */
  async createInTransaction(manager: EntityManager, actor: Actor, input: NewAdAccount): Promise<string> {
    const [account] = await manager.query<{ id: string }[]>(
      `INSERT INTO ad_accounts (business_id, owner_user_id, name, country, currency, timezone)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
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
}
