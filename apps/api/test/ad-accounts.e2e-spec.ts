import { AD_ACCOUNTS_PER_USER_MAX, adAccountPageSchema, adAccountSchema, type AdAccount, type AdAccountRole } from '@loupe/contracts';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { expectPinterest, expectPinterestPage } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('ad accounts: list, get, create, update (real Postgres)', () => {
  const api = useTestApp();

  async function createAccount(user: TestUser, body: Record<string, unknown> = {}): Promise<AdAccount> {
    const res = await api.http()
      .post('/v5/ad_accounts')
      .set('Authorization', user.auth)
      .send({ name: 'Extra', country: 'US', currency: 'USD', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPinterest('AdAccount', res.body);
    return adAccountSchema.parse(res.body);
  }

  /** Gives `member` a role on `owner`'s first ad account (an existing user joins at once). */
  async function grant(owner: TestUser, member: TestUser, role: AdAccountRole): Promise<void> {
    await api.http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: member.email, role }).expect(201);
  }

  describe('GET /v5/ad_accounts', () => {
    it('lists the accounts the caller has a role on, paginated by bookmark across pages', async () => {
      const user = await signUp(api.app);
      const second = await createAccount(user, { name: 'Second' });
      const third = await createAccount(user, { name: 'Third' });
      const expected = [user.adAccountId, second.id, third.id];

      const first = await api.http().get('/v5/ad_accounts').query({ page_size: 2 }).set('Authorization', user.auth).expect(200);
      expectPinterestPage('AdAccount', first.body);
      const page1 = adAccountPageSchema.parse(first.body);
      expect(page1.items).toHaveLength(2);
      expect(page1.bookmark).toEqual(expect.any(String));

      const next = await api.http().get('/v5/ad_accounts').query({ page_size: 2, bookmark: page1.bookmark }).set('Authorization', user.auth).expect(200);
      expectPinterestPage('AdAccount', next.body);
      const page2 = adAccountPageSchema.parse(next.body);
      expect(page2.items).toHaveLength(1);
      expect(page2.bookmark).toBeNull();
      expect([...page1.items, ...page2.items].map((a) => a.id)).toEqual(expected);
      expect(page1.items[0]).toMatchObject({ name: 'Test Account', permissions: ['ADMIN'], owner: { id: user.userId } });
    });

    it('hides accounts the caller has no role on', async () => {
      const alice = await signUp(api.app);
      const bob = await signUp(api.app);
      const res = await api.http().get('/v5/ad_accounts').set('Authorization', bob.auth).expect(200);
      expectPinterestPage('AdAccount', res.body);
      expect(res.body.items.map((a: AdAccount) => a.id)).toEqual([bob.adAccountId]);
      expect(res.body.items.map((a: AdAccount) => a.id)).not.toContain(alice.adAccountId);
      expect(res.body.bookmark).toBeNull();
    });

    it('includes shared accounts with the caller’s role, and include_shared_accounts=false keeps only owned ones', async () => {
      const owner = await signUp(api.app);
      const analyst = await signUp(api.app);
      await grant(owner, analyst, 'ANALYST');

      const all = await api.http().get('/v5/ad_accounts').set('Authorization', analyst.auth).expect(200);
      expectPinterestPage('AdAccount', all.body);
      const shared = (all.body.items as AdAccount[]).find((a) => a.id === owner.adAccountId);
      expect(shared).toMatchObject({ permissions: ['ANALYST'], owner: { id: owner.userId } });

      const owned = await api.http().get('/v5/ad_accounts').query({ include_shared_accounts: 'false' }).set('Authorization', analyst.auth).expect(200);
      expectPinterestPage('AdAccount', owned.body);
      expect(owned.body.items.map((a: AdAccount) => a.id)).toEqual([analyst.adAccountId]);
    });

    it('rejects page_size outside 1..250, a bad boolean and a forged bookmark with 400 naming the parameter', async () => {
      const user = await signUp(api.app);
      for (const page_size of ['0', '251', 'ten']) {
        const res = await api.http().get('/v5/ad_accounts').query({ page_size }).set('Authorization', user.auth);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ code: 1, message: expect.stringContaining('page_size') });
      }
      const flag = await api.http().get('/v5/ad_accounts').query({ include_shared_accounts: 'yes' }).set('Authorization', user.auth);
      expect(flag.status).toBe(400);
      expect(flag.body.message).toContain('include_shared_accounts');
      const forged = await api.http().get('/v5/ad_accounts').query({ bookmark: 'not-a-bookmark' }).set('Authorization', user.auth);
      expect(forged.status).toBe(400);
      expect(forged.body.message).toContain('bookmark');
    });

    it('requires a bearer token', async () => {
      const res = await api.http().get('/v5/ad_accounts');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(2);
    });
  });

  describe('GET /v5/ad_accounts/{ad_account_id}', () => {
    it('returns the account in Pinterest’s AdAccount shape with its timezone', async () => {
      const user = await signUp(api.app, { name: 'Berlin shop', currency: 'EUR', timezone: 'Europe/Berlin', country: 'DE' });
      const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).expect(200);
      expectPinterest('AdAccount', res.body);
      expect(res.body).toMatchObject({
        id: user.adAccountId,
        name: 'Berlin shop',
        country: 'DE',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
        permissions: ['ADMIN'],
        owner: { id: user.userId },
      });
      expect(res.body.created_time).toBeGreaterThan(1_700_000_000);
    });

    it('lets a FINANCE_MANAGER read the account', async () => {
      const owner = await signUp(api.app);
      const finance = await signUp(api.app);
      await grant(owner, finance, 'FINANCE_MANAGER');
      const res = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', finance.auth).expect(200);
      expectPinterest('AdAccount', res.body);
      expect(res.body.permissions).toEqual(['FINANCE_MANAGER']);
    });

    it('answers 404 for an account the caller has no role on, and 400 for a non-numeric id', async () => {
      const owner = await signUp(api.app);
      const stranger = await signUp(api.app);
      const res = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', stranger.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 4, message: 'Ad account not found.' });
      const missing = await api.http().get('/v5/ad_accounts/999999999999999').set('Authorization', stranger.auth);
      expect(missing.status).toBe(404);
      const bad = await api.http().get('/v5/ad_accounts/abc').set('Authorization', stranger.auth);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(1);
    });
  });

  describe('POST /v5/ad_accounts', () => {
    it('creates an account in the caller’s business with the caller as owner and ADMIN, timezone UTC by default, audited', async () => {
      const user = await signUp(api.app);
      const created = await createAccount(user, { name: 'Spring launch', country: 'GB', currency: 'GBP' });
      expect(created).toMatchObject({
        name: 'Spring launch',
        country: 'GB',
        currency: 'GBP',
        timezone: 'UTC',
        permissions: ['ADMIN'],
        owner: { id: user.userId },
      });
      const [row] = await api.db.query<{ same_business: boolean }[]>(
        `SELECT a.business_id = u.business_id AS same_business FROM ad_accounts a JOIN users u ON u.id = $2 WHERE a.id = $1`,
        [created.id, user.userId],
      );
      expect(row?.same_business).toBe(true);

      const read = await api.http().get(`/v5/ad_accounts/${created.id}`).set('Authorization', user.auth).expect(200);
      expect(read.body).toEqual(created);

      const log = await api.http().get(`/v5/ad_accounts/${created.id}/audit_log`).set('Authorization', user.auth).expect(200);
      expect(log.body.items).toEqual([
        expect.objectContaining({
          object_type: 'AD_ACCOUNT',
          object_id: created.id,
          action: 'CREATE',
          actor: { id: user.userId, username: expect.any(String) },
          new_values: { name: 'Spring launch', country: 'GB', currency: 'GBP', timezone: 'UTC' },
        }),
      ]);
    });

    it('accepts an explicit timezone and the caller’s own owner_user_id', async () => {
      const user = await signUp(api.app);
      const created = await createAccount(user, { timezone: 'America/New_York', owner_user_id: user.userId });
      expect(created.timezone).toBe('America/New_York');
    });

    it('rejects bad input with 400 naming the field, creating nothing', async () => {
      const user = await signUp(api.app);
      const cases: [Record<string, unknown>, string][] = [
        [{ country: 'US', currency: 'USD' }, 'name'],
        [{ name: 'X', country: 'US', currency: 'XXX' }, 'currency'],
        [{ name: 'X', country: 'ZZ', currency: 'USD' }, 'country'],
        [{ name: 'X', country: 'US', currency: 'USD', timezone: 'Mars/Olympus' }, 'timezone'],
        [{ name: 'X'.repeat(257), country: 'US', currency: 'USD' }, 'name'],
        [{ name: 'X', country: 'US', currency: 'USD', status: 'ACTIVE' }, 'status'],
        [{ name: 'X', country: 'US', currency: 'USD', owner_user_id: '123' }, 'owner_user_id'],
      ];
      for (const [body, field] of cases) {
        const res = await api.http().post('/v5/ad_accounts').set('Authorization', user.auth).send(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body).toEqual({ code: 1, message: expect.stringContaining(field) });
      }
      const list = await api.http().get('/v5/ad_accounts').set('Authorization', user.auth).expect(200);
      expect(list.body.items).toHaveLength(1);
    });

    it(`refuses a user's ad account beyond ${AD_ACCOUNTS_PER_USER_MAX} with 409 and a clear message`, async () => {
      const user = await signUp(api.app);
      for (let i = 1; i < AD_ACCOUNTS_PER_USER_MAX; i++) await createAccount(user, { name: `Account ${i}` });
      const res = await api.http().post('/v5/ad_accounts').set('Authorization', user.auth).send({ name: 'One too many', country: 'US', currency: 'USD' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 9, message: expect.stringContaining(`(${AD_ACCOUNTS_PER_USER_MAX})`) });
      const [{ owned } = { owned: 0 }] = await api.db.query<{ owned: number }[]>(`SELECT count(*)::int AS owned FROM ad_accounts WHERE owner_user_id = $1`, [user.userId]);
      expect(owned).toBe(AD_ACCOUNTS_PER_USER_MAX);
    });
  });

  describe('PATCH /v5/ad_accounts/{ad_account_id}', () => {
    it('renames and moves the timezone, audited with only the changed fields', async () => {
      const user = await signUp(api.app, { name: 'Old name', timezone: 'UTC' });
      const res = await api.http()
        .patch(`/v5/ad_accounts/${user.adAccountId}`)
        .set('Authorization', user.auth)
        .send({ name: 'New name', timezone: 'Asia/Tokyo' })
        .expect(200);
      expectPinterest('AdAccount', res.body);
      expect(res.body).toMatchObject({ id: user.adAccountId, name: 'New name', timezone: 'Asia/Tokyo', currency: 'USD' });

      const nameOnly = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ name: 'Newer' }).expect(200);
      expect(nameOnly.body).toMatchObject({ name: 'Newer', timezone: 'Asia/Tokyo' });

      const log = await api.http()
        .get(`/v5/ad_accounts/${user.adAccountId}/audit_log`)
        .query({ action: 'UPDATE' })
        .set('Authorization', user.auth)
        .expect(200);
      expect(log.body.items.map((e: { old_values: unknown; new_values: unknown }) => [e.old_values, e.new_values])).toEqual([
        [{ name: 'New name' }, { name: 'Newer' }],
        [
          { name: 'Old name', timezone: 'UTC' },
          { name: 'New name', timezone: 'Asia/Tokyo' },
        ],
      ]);
    });

    it('starts a new account’s local-day rollups complete in its timezone and clears that when the timezone changes, not when the name does', async () => {
      const user = await signUp(api.app, { name: 'Zones', timezone: 'America/New_York' });
      const zone = async (): Promise<string | null> =>
        ((await api.app.get(DataSource).query(`SELECT local_rollups_timezone FROM ad_accounts WHERE id = $1`, [user.adAccountId])) as { local_rollups_timezone: string | null }[])[0]!
          .local_rollups_timezone;
      expect(await zone()).toBe('America/New_York');
      await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ name: 'Zones 2' }).expect(200);
      expect(await zone()).toBe('America/New_York');
      await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ timezone: 'America/New_York' }).expect(200);
      expect(await zone()).toBe('America/New_York');
      // Reports read the UTC daily and hourly tables until the worker's local-days job has rebuilt Berlin's days.
      await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ timezone: 'Europe/Berlin' }).expect(200);
      expect(await zone()).toBeNull();
    });

    it('refuses to change the currency, an empty body and unknown fields with 400', async () => {
      const user = await signUp(api.app);
      const currency = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ currency: 'EUR' });
      expect(currency.status).toBe(400);
      expect(currency.body.message).toMatch(/currency: cannot be changed/);
      const empty = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({});
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain('name, timezone');
      const unknown = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ country: 'FR' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toContain('country');
      const tz = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).send({ timezone: 'Nowhere/City' });
      expect(tz.status).toBe(400);
      expect(tz.body.message).toContain('timezone');
      const read = await api.http().get(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth).expect(200);
      expect(read.body).toMatchObject({ currency: 'USD', name: 'Test Account', timezone: 'UTC' });
    });

    it('is for ADMINs only: a CAMPAIGN_MANAGER gets 403, a stranger 404, and nothing changes', async () => {
      const owner = await signUp(api.app);
      const manager = await signUp(api.app);
      const stranger = await signUp(api.app);
      await grant(owner, manager, 'CAMPAIGN_MANAGER');
      const forbidden = await api.http().patch(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', manager.auth).send({ name: 'Hijack' });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe(3);
      const hidden = await api.http().patch(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', stranger.auth).send({ name: 'Hijack' });
      expect(hidden.status).toBe(404);
      const read = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', owner.auth).expect(200);
      expect(read.body.name).toBe('Test Account');
    });
  });
});
