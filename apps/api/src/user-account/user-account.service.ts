import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UserAccount } from '@loupe/contracts';
import { NotFoundException } from '@loupe/server-core';
import { DataSource } from 'typeorm';

@Injectable()
export class UserAccountService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Pinterest's `Account` of the caller or, as with Pinterest's Business Access, of the
   * owner of `adAccountId` — which the caller must hold a role on (else "not found",
   * as on every tenant-scoped route).
   */
  async get(callerId: string, adAccountId?: string): Promise<UserAccount> {
    let userId = callerId;
    if (adAccountId !== undefined) {
      const [account] = await this.dataSource.query<{ owner_user_id: string }[]>(
        `SELECT a.owner_user_id FROM ad_accounts a JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $2 WHERE a.id = $1`,
        [adAccountId, callerId],
      );
      if (!account) throw new NotFoundException('Ad account not found.');
      userId = account.owner_user_id;
    }
    const [user] = await this.dataSource.query<{ id: string; username: string; business_name: string | null }[]>(
      `SELECT u.id, u.username, b.name AS business_name FROM users u LEFT JOIN businesses b ON b.id = u.business_id WHERE u.id = $1`,
      [userId],
    );
    if (!user) throw new NotFoundException('User account not found.');
    // Loupe keeps no public profile; Pinterest's profile fields are present and empty.
    return { id: user.id, username: user.username, account_type: 'BUSINESS', business_name: user.business_name, profile_image: '', website_url: '', about: '' };
  }
}
