import 'reflect-metadata';
import { loadConfig, postgresOptions, type LoupeConfig } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { hashPassword } from '../auth/password';
import { API_ENTITIES } from '../entities';

export const DEMO_USER = {
  email: 'demo@loupe.dev',
  password: 'loupe-demo-2026',
  username: 'demo',
} as const;

export const DEMO_AD_ACCOUNT = {
  name: 'Demo Home & Garden Shop',
  country: 'US',
  currency: 'USD',
  timezone: 'America/New_York',
} as const;

export interface SeedResult {
  userId: string;
  adAccountId: string;
  created: boolean;
}

/** Creates the demo user, business and ad account once; later runs change nothing. */
export async function seedDemo(config: LoupeConfig): Promise<SeedResult> {
  const dataSource = new DataSource(postgresOptions(config, API_ENTITIES));
  await dataSource.initialize();
  try {
    return await dataSource.transaction(async (tx) => {
      // Serialise concurrent seeders so the demo user is created once.
      await tx.query('SELECT pg_advisory_xact_lock(7349113)');
      const existing = await tx.query<{ user_id: string; ad_account_id: string }[]>(
        `SELECT u.id AS user_id, m.ad_account_id FROM users u
           JOIN ad_account_members m ON m.user_id = u.id AND m.role = 'ADMIN'
          WHERE u.email = $1 ORDER BY m.ad_account_id LIMIT 1`,
        [DEMO_USER.email],
      );
      if (existing[0]) return { userId: existing[0].user_id, adAccountId: existing[0].ad_account_id, created: false };

      const [business] = await tx.query<{ id: string }[]>(`INSERT INTO businesses (name) VALUES ($1) RETURNING id`, ['Demo Home & Garden Co.']);
      const [user] = await tx.query<{ id: string }[]>(
        `INSERT INTO users (email, username, password_hash, business_id) VALUES ($1, $2, $3, $4) RETURNING id`,
        [DEMO_USER.email, DEMO_USER.username, await hashPassword(DEMO_USER.password), business!.id],
      );
      const [account] = await tx.query<{ id: string }[]>(
        // A new account has no history: its local-day rollups start complete (as the API's create).
        `INSERT INTO ad_accounts (business_id, owner_user_id, name, country, currency, timezone, local_rollups_timezone)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
        [business!.id, user!.id, DEMO_AD_ACCOUNT.name, DEMO_AD_ACCOUNT.country, DEMO_AD_ACCOUNT.currency, DEMO_AD_ACCOUNT.timezone],
      );
      await tx.query(`INSERT INTO ad_account_members (ad_account_id, user_id, role) VALUES ($1, $2, 'ADMIN')`, [account!.id, user!.id]);
      return { userId: user!.id, adAccountId: account!.id, created: true };
    });
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  seedDemo(loadConfig()).then(
    (r) => process.stdout.write(`Demo data ${r.created ? 'created' : 'already present'}: user ${r.userId}, ad account ${r.adAccountId}\n`),
    (err: unknown) => {
      process.stderr.write(`Seeding failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
