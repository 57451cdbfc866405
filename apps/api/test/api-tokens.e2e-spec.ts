import { apiTokenCreatedSchema, apiTokenPageSchema, type ApiToken } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('API tokens: create, list, revoke (real Postgres)', () => {
  const api = useTestApp();

  async function createToken(user: TestUser, body: Record<string, unknown> = { name: 'CI' }) {
    const res = await api.http().post('/v5/auth/tokens').set('Authorization', user.auth).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return apiTokenCreatedSchema.parse(res.body);
  }

  async function listTokens(user: TestUser, query: Record<string, string> = {}): Promise<{ items: ApiToken[]; bookmark: string | null }> {
    const res = await api.http().get('/v5/auth/tokens').query(query).set('Authorization', user.auth).expect(200);
    expectPinterest('Paginated', res.body);
    return apiTokenPageSchema.parse(res.body);
  }

  it('returns the secret once; it authenticates as its user, and listings never show it', async () => {
    const user = await signUp(api.app);
    const created = await createToken(user, { name: 'Reporting script' });
    expect(created).toMatchObject({ name: 'Reporting script', expires_time: null, last_used_time: null, revoked_time: null });
    expect(created.token).toMatch(/^loupe_[A-Za-z0-9_-]{43}$/);

    const me = await api.http().get('/v5/user_account').set('Authorization', `Bearer ${created.token}`).expect(200);
    expect(me.body.id).toBe(user.userId);
    await api.http().get(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', `Bearer ${created.token}`).expect(200);

    const res = await api.http().get('/v5/auth/tokens').set('Authorization', user.auth).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(created.token);
    expect(res.body.items).toEqual([
      { id: created.id, name: 'Reporting script', created_time: created.created_time, expires_time: null, last_used_time: expect.any(Number), revoked_time: null },
    ]);
    const [stored] = await api.db.query<{ token_hash: Buffer }[]>(`SELECT token_hash FROM access_tokens WHERE id = $1`, [created.id]);
    expect(stored!.token_hash.toString('utf8')).not.toContain(created.token);
  });

  it('lists only the caller’s API tokens, not their sessions nor other users’ tokens', async () => {
    const alice = await signUp(api.app);
    const bob = await signUp(api.app);
    const token = await createToken(alice);
    await createToken(bob);
    expect((await listTokens(alice)).items.map((t) => t.id)).toEqual([token.id]);
  });

  it('sets an expiry from expires_in_days', async () => {
    const user = await signUp(api.app);
    const before = Math.floor(Date.now() / 1000);
    const created = await createToken(user, { name: 'Week', expires_in_days: 7 });
    expect(created.expires_time).toBeGreaterThanOrEqual(before + 7 * 86400 - 1);
    expect(created.expires_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 7 * 86400 + 1);
  });

  it('revokes a token, which fails authentication from the very next request', async () => {
    const user = await signUp(api.app);
    const created = await createToken(user);
    const bearer = `Bearer ${created.token}`;
    await api.http().get('/v5/user_account').set('Authorization', bearer).expect(200);
    await api.http().delete(`/v5/auth/tokens/${created.id}`).set('Authorization', user.auth).expect(204);
    const after = await api.http().get('/v5/user_account').set('Authorization', bearer);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe(2);

    expect((await listTokens(user)).items).toEqual([]);
    const withRevoked = await listTokens(user, { include_revoked: 'true' });
    expect(withRevoked.items).toEqual([expect.objectContaining({ id: created.id, revoked_time: expect.any(Number) })]);
    // Revoking again is a no-op.
    await api.http().delete(`/v5/auth/tokens/${created.id}`).set('Authorization', user.auth).expect(204);
  });

  it('lets a token revoke itself', async () => {
    const user = await signUp(api.app);
    const created = await createToken(user);
    const bearer = `Bearer ${created.token}`;
    await api.http().delete(`/v5/auth/tokens/${created.id}`).set('Authorization', bearer).expect(204);
    expect((await api.http().get('/v5/auth/tokens').set('Authorization', bearer)).status).toBe(401);
  });

  it('stops accepting a token the moment it expires', async () => {
    const user = await signUp(api.app);
    const created = await createToken(user, { name: 'Short', expires_in_days: 1 });
    const bearer = `Bearer ${created.token}`;
    await api.http().get('/v5/user_account').set('Authorization', bearer).expect(200);
    await api.db.query(`UPDATE access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.id]);
    const res = await api.http().get('/v5/user_account').set('Authorization', bearer);
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('expired');
  });

  it('answers 404 for another user’s token id or a session id, and leaves that token working', async () => {
    const alice = await signUp(api.app);
    const mallory = await signUp(api.app);
    const token = await createToken(alice);
    const res = await api.http().delete(`/v5/auth/tokens/${token.id}`).set('Authorization', mallory.auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 4, message: 'API token not found.' });
    await api.http().get('/v5/user_account').set('Authorization', `Bearer ${token.token}`).expect(200);

    const [session] = await api.db.query<{ id: string }[]>(`SELECT id FROM access_tokens WHERE user_id = $1 AND kind = 'SESSION'`, [alice.userId]);
    expect((await api.http().delete(`/v5/auth/tokens/${session!.id}`).set('Authorization', alice.auth)).status).toBe(404);
    expect((await api.http().delete('/v5/auth/tokens/abc').set('Authorization', alice.auth)).status).toBe(400);
  });

  it('records creation and revocation in the audit log, without an ad account and never the secret', async () => {
    const user = await signUp(api.app);
    const created = await createToken(user, { name: 'Audited', expires_in_days: 30 });
    await api.http().delete(`/v5/auth/tokens/${created.id}`).set('Authorization', user.auth).expect(204);
    const rows = await api.db.query<{ ad_account_id: string | null; actor_user_id: string; action: string; old_values: unknown; new_values: unknown }[]>(
      `SELECT ad_account_id, actor_user_id, action, old_values, new_values FROM audit_log WHERE object_type = 'TOKEN' AND object_id = $1 ORDER BY id`,
      [created.id],
    );
    expect(rows).toEqual([
      { ad_account_id: null, actor_user_id: user.userId, action: 'CREATE', old_values: null, new_values: { name: 'Audited', expires_time: created.expires_time } },
      {
        ad_account_id: null,
        actor_user_id: user.userId,
        action: 'REVOKE',
        old_values: { name: 'Audited', revoked_time: null },
        new_values: { name: 'Audited', revoked_time: expect.any(Number) },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(created.token);
  });

  it('rejects a missing name, a bad expiry and unknown fields with 400 naming the field', async () => {
    const user = await signUp(api.app);
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'x', expires_in_days: 0 }, 'expires_in_days'],
      [{ name: 'x', expires_in_days: 1.5 }, 'expires_in_days'],
      [{ name: 'x', scopes: ['ads:read'] }, 'scopes'],
    ];
    for (const [body, field] of cases) {
      const res = await api.http().post('/v5/auth/tokens').set('Authorization', user.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    }
    expect((await listTokens(user)).items).toEqual([]);
  });

  it('paginates the token list across pages', async () => {
    const user = await signUp(api.app);
    const ids = [];
    for (const name of ['a', 'b', 'c']) ids.push((await createToken(user, { name })).id);
    const first = await listTokens(user, { page_size: '2' });
    expect(first.items).toHaveLength(2);
    const second = await listTokens(user, { page_size: '2', bookmark: first.bookmark! });
    expect(second.bookmark).toBeNull();
    expect([...first.items, ...second.items].map((t) => t.id)).toEqual(ids);
  });

  it('requires a signed-in caller on every token route', async () => {
    expect((await api.http().post('/v5/auth/tokens').send({ name: 'x' })).status).toBe(401);
    expect((await api.http().get('/v5/auth/tokens')).status).toBe(401);
    expect((await api.http().delete('/v5/auth/tokens/1')).status).toBe(401);
  });
});
