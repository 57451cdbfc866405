import { randomUUID } from 'node:crypto';
import { auditLogPageSchema, type AdAccountRole, type AuditLogEntry } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('GET /v5/ad_accounts/{id}/audit_log (real Postgres)', () => {
  const api = useTestApp();

  async function auditLog(user: TestUser, query: Record<string, string | number> = {}, account = user.adAccountId) {
    const res = await api.http().get(`/v5/ad_accounts/${account}/audit_log`).query(query).set('Authorization', user.auth);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPinterest('Paginated', res.body);
    return auditLogPageSchema.parse(res.body);
  }

  async function grant(owner: TestUser, member: TestUser, role: AdAccountRole): Promise<void> {
    await api.http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: member.email, role }).expect(201);
  }

  const rename = (user: TestUser, name: string, requestId?: string) => {
    const call = api.http().patch(`/v5/ad_accounts/${user.adAccountId}`).set('Authorization', user.auth);
    return (requestId ? call.set('x-request-id', requestId) : call).send({ name }).expect(200);
  };

  it('lists changes newest first with actor, object, action, old and new values and the request id', async () => {
    const user = await signUp(api.app, { name: 'First' });
    const requestId = `req-${randomUUID()}`;
    await rename(user, 'Second', requestId);
    const page = await auditLog(user);
    expect(page.bookmark).toBeNull();
    expect(page.items.map((e) => e.action)).toEqual(['UPDATE', 'CREATE']);
    const [update, create] = page.items as [AuditLogEntry, AuditLogEntry];
    expect(update).toEqual({
      id: expect.stringMatching(/^\d+$/),
      created_time: expect.any(Number),
      actor: { id: user.userId, username: user.email.split('@')[0] },
      object_type: 'AD_ACCOUNT',
      object_id: user.adAccountId,
      action: 'UPDATE',
      old_values: { name: 'First' },
      new_values: { name: 'Second' },
      request_id: requestId,
    });
    expect(Math.abs(update.created_time - Date.now() / 1000)).toBeLessThan(60);
    expect(create).toMatchObject({ object_type: 'AD_ACCOUNT', action: 'CREATE', old_values: null, new_values: expect.objectContaining({ name: 'First' }) });
  });

  it('pages through the log newest first with bookmarks', async () => {
    const user = await signUp(api.app, { name: 'n0' });
    for (const name of ['n1', 'n2', 'n3', 'n4']) await rename(user, name);
    const first = await auditLog(user, { page_size: 2 });
    const second = await auditLog(user, { page_size: 2, bookmark: first.bookmark! });
    const third = await auditLog(user, { page_size: 2, bookmark: second.bookmark! });
    expect(third.bookmark).toBeNull();
    const entries = [...first.items, ...second.items, ...third.items];
    expect(entries.map((e) => e.new_values?.name)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it('filters by object_type, object_id, action and actor_user_id', async () => {
    const owner = await signUp(api.app);
    const admin = await signUp(api.app);
    await grant(owner, admin, 'ADMIN');
    await rename(admin, 'Renamed by colleague');
    await api.http().patch(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', admin.auth).send({ name: 'Again' }).expect(200);

    const members = await auditLog(owner, { object_type: 'MEMBER' });
    expect(members.items.map((e) => [e.object_id, e.action])).toEqual([[admin.userId, 'CREATE']]);
    const byObject = await auditLog(owner, { object_id: admin.userId });
    expect(byObject.items).toHaveLength(1);
    const updates = await auditLog(owner, { action: 'UPDATE' });
    expect(updates.items).toHaveLength(1);
    expect(updates.items[0]).toMatchObject({ actor: { id: admin.userId }, new_values: { name: 'Again' } });
    const byOwner = await auditLog(owner, { actor_user_id: owner.userId });
    expect(byOwner.items.map((e) => e.action)).toEqual(['CREATE', 'CREATE']);
    const combined = await auditLog(owner, { actor_user_id: admin.userId, object_type: 'AD_ACCOUNT' });
    expect(combined.items.map((e) => e.action)).toEqual(['UPDATE']);
    expect((await auditLog(owner, { object_type: 'CAMPAIGN' })).items).toEqual([]);
  });

  it('filters by start_time and end_time, both inclusive', async () => {
    const user = await signUp(api.app, { name: 'old' });
    // Backdate the creation entry by a day, so the window can split the log.
    await api.db.query(`UPDATE audit_log SET created_at = created_at - interval '1 day' WHERE ad_account_id = $1`, [user.adAccountId]);
    await rename(user, 'new');
    const all = await auditLog(user);
    const [update, create] = all.items as [AuditLogEntry, AuditLogEntry];
    expect(create.created_time).toBeLessThan(update.created_time - 3600);

    expect((await auditLog(user, { start_time: update.created_time })).items.map((e) => e.id)).toEqual([update.id]);
    expect((await auditLog(user, { end_time: create.created_time })).items.map((e) => e.id)).toEqual([create.id]);
    expect((await auditLog(user, { start_time: create.created_time, end_time: update.created_time })).items).toHaveLength(2);
    expect((await auditLog(user, { start_time: create.created_time + 1, end_time: update.created_time - 1 })).items).toEqual([]);
  });

  it('rejects bad filters with 400 naming the parameter', async () => {
    const user = await signUp(api.app);
    const cases: [Record<string, string>, string][] = [
      [{ object_type: 'BANANA' }, 'object_type'],
      [{ action: 'EXPLODE' }, 'action'],
      [{ actor_user_id: 'me' }, 'actor_user_id'],
      [{ start_time: 'yesterday' }, 'start_time'],
      [{ end_time: '-5' }, 'end_time'],
      [{ start_time: '200', end_time: '100' }, 'end_time'],
      [{ page_size: '251' }, 'page_size'],
      [{ bookmark: '!!!' }, 'bookmark'],
    ];
    for (const [query, field] of cases) {
      const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/audit_log`).query(query).set('Authorization', user.auth);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    }
  });

  it('never shows one account’s entries in another account’s log', async () => {
    const alice = await signUp(api.app);
    const bob = await signUp(api.app);
    await rename(alice, 'Alice private');
    const bobs = await auditLog(bob);
    expect(bobs.items.every((e) => e.object_id !== alice.adAccountId)).toBe(true);
    expect(JSON.stringify(bobs)).not.toContain('Alice private');
  });

  it('lets ADMIN, CAMPAIGN_MANAGER and ANALYST read; FINANCE_MANAGER gets 403; no role gets 404', async () => {
    const owner = await signUp(api.app);
    for (const role of ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST'] as const) {
      const member = await signUp(api.app);
      await grant(owner, member, role);
      await auditLog(member, {}, owner.adAccountId);
    }
    const finance = await signUp(api.app);
    await grant(owner, finance, 'FINANCE_MANAGER');
    const denied = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}/audit_log`).set('Authorization', finance.auth);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(3);
    const stranger = await signUp(api.app);
    const hidden = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}/audit_log`).set('Authorization', stranger.auth);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ code: 4, message: 'Ad account not found.' });
  });
});
