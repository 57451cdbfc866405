import { randomUUID } from 'node:crypto';
import { memberPageSchema, memberSchema, type AdAccountRole, type AuditLogEntry, type Member } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('ad account members and invitations (real Postgres)', () => {
  const api = useTestApp();

  const membersOf = (account: string) => `/v5/ad_accounts/${account}/members`;

  async function invite(owner: TestUser, email: string, role: AdAccountRole): Promise<Member> {
    const res = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', owner.auth).send({ email, role });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return memberSchema.parse(res.body);
  }

  async function listMembers(user: TestUser, account = user.adAccountId): Promise<Member[]> {
    const res = await api.http().get(membersOf(account)).set('Authorization', user.auth).expect(200);
    expectPinterest('Paginated', res.body);
    return memberPageSchema.parse(res.body).items;
  }

  async function auditOf(user: TestUser, query: Record<string, string>): Promise<AuditLogEntry[]> {
    const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/audit_log`).query(query).set('Authorization', user.auth).expect(200);
    return res.body.items as AuditLogEntry[];
  }

  async function signUpWithEmail(email: string): Promise<{ auth: string; userId: string }> {
    const res = await api.http()
      .post('/v5/auth/signup')
      .send({ email, password: 'correct horse battery', business_name: 'Invitee Inc', ad_account: { name: 'Own' } })
      .expect(201);
    return { auth: `Bearer ${res.body.access_token}`, userId: res.body.user_id };
  }

  it('lists the creator as the only ACTIVE ADMIN of a new account', async () => {
    const owner = await signUp(api.app);
    expect(await listMembers(owner)).toEqual([
      { user_id: owner.userId, email: owner.email, username: expect.any(String), role: 'ADMIN', status: 'ACTIVE', created_time: expect.any(Number) },
    ]);
  });

  it('gives a registered user the role at once, and the audit log records it', async () => {
    const owner = await signUp(api.app);
    const colleague = await signUp(api.app);
    const member = await invite(owner, colleague.email.toUpperCase(), 'CAMPAIGN_MANAGER');
    expect(member).toMatchObject({ user_id: colleague.userId, email: colleague.email, role: 'CAMPAIGN_MANAGER', status: 'ACTIVE' });

    const account = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', colleague.auth).expect(200);
    expect(account.body.permissions).toEqual(['CAMPAIGN_MANAGER']);
    expect(await auditOf(owner, { object_type: 'MEMBER' })).toEqual([
      expect.objectContaining({
        object_id: colleague.userId,
        action: 'CREATE',
        actor: { id: owner.userId, username: expect.any(String) },
        old_values: null,
        new_values: { user_id: colleague.userId, email: colleague.email, role: 'CAMPAIGN_MANAGER' },
      }),
    ]);
  });

  it('keeps an unknown email as a pending invitation that sign-up with that email claims', async () => {
    const owner = await signUp(api.app);
    const email = `invitee-${randomUUID()}@test.loupe.dev`;
    const invitation = await invite(owner, email, 'ANALYST');
    expect(invitation).toEqual({ user_id: null, email, username: null, role: 'ANALYST', status: 'INVITED', created_time: expect.any(Number) });
    expect((await listMembers(owner)).map((m) => [m.email, m.status])).toEqual([
      [owner.email, 'ACTIVE'],
      [email, 'INVITED'],
    ]);
    const [invited] = await auditOf(owner, { object_type: 'INVITATION' });
    expect(invited).toMatchObject({ action: 'INVITE', new_values: { email, role: 'ANALYST' } });

    const invitee = await signUpWithEmail(email);
    const account = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', invitee.auth).expect(200);
    expect(account.body.permissions).toEqual(['ANALYST']);
    const members = await listMembers(owner);
    expect(members.find((m) => m.email === email)).toMatchObject({ user_id: invitee.userId, status: 'ACTIVE', role: 'ANALYST' });
    expect(members.filter((m) => m.status === 'INVITED')).toEqual([]);
    const [claimed] = await auditOf(owner, { object_type: 'MEMBER', object_id: invitee.userId });
    expect(claimed).toMatchObject({
      action: 'CREATE',
      actor: { id: invitee.userId },
      new_values: { user_id: invitee.userId, email, role: 'ANALYST', invitation_id: invited!.object_id },
    });
  });

  it('refuses to invite an existing member or an already invited email again (409)', async () => {
    const owner = await signUp(api.app);
    const colleague = await signUp(api.app);
    await invite(owner, colleague.email, 'ANALYST');
    const again = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', owner.auth).send({ email: colleague.email, role: 'ADMIN' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 9, message: expect.stringContaining('already a member') });
    const self = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', owner.auth).send({ email: owner.email, role: 'ANALYST' });
    expect(self.status).toBe(409);

    const email = `pending-${randomUUID()}@test.loupe.dev`;
    await invite(owner, email, 'ANALYST');
    const twice = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', owner.auth).send({ email, role: 'ADMIN' });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain('pending invitation');
  });

  it('rejects a bad email, an unknown role and unknown fields with 400 naming the field', async () => {
    const owner = await signUp(api.app);
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not-an-email', role: 'ANALYST' }, 'email'],
      [{ email: 'a@b.dev', role: 'OWNER_OF_EVERYTHING' }, 'role'],
      [{ email: 'a@b.dev' }, 'role'],
      [{ email: 'a@b.dev', role: 'ANALYST', note: 'hi' }, 'note'],
    ];
    for (const [body, field] of cases) {
      const res = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', owner.auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    }
    expect(await listMembers(owner)).toHaveLength(1);
  });

  it('changes a member’s role, audited with the old and new role', async () => {
    const owner = await signUp(api.app);
    const colleague = await signUp(api.app);
    await invite(owner, colleague.email, 'ANALYST');
    const res = await api.http()
      .patch(`${membersOf(owner.adAccountId)}/${colleague.userId}`)
      .set('Authorization', owner.auth)
      .send({ role: 'CAMPAIGN_MANAGER' })
      .expect(200);
    expect(memberSchema.parse(res.body)).toMatchObject({ user_id: colleague.userId, role: 'CAMPAIGN_MANAGER', status: 'ACTIVE' });
    const account = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', colleague.auth).expect(200);
    expect(account.body.permissions).toEqual(['CAMPAIGN_MANAGER']);
    const [entry] = await auditOf(owner, { object_type: 'MEMBER', action: 'UPDATE' });
    expect(entry).toMatchObject({ object_id: colleague.userId, old_values: { role: 'ANALYST' }, new_values: { role: 'CAMPAIGN_MANAGER' } });

    const bad = await api.http().patch(`${membersOf(owner.adAccountId)}/${colleague.userId}`).set('Authorization', owner.auth).send({ role: 'BOSS' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('role');
  });

  it('answers 404 for a user who is not a member of this account, even one of another account', async () => {
    const owner = await signUp(api.app);
    const other = await signUp(api.app);
    const patch = await api.http().patch(`${membersOf(owner.adAccountId)}/${other.userId}`).set('Authorization', owner.auth).send({ role: 'ADMIN' });
    expect(patch.status).toBe(404);
    expect(patch.body.code).toBe(4);
    const del = await api.http().delete(`${membersOf(owner.adAccountId)}/${other.userId}`).set('Authorization', owner.auth);
    expect(del.status).toBe(404);
    const account = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', other.auth);
    expect(account.status).toBe(404);
  });

  it('never removes or demotes the last ADMIN (409), but allows it once another ADMIN exists', async () => {
    const owner = await signUp(api.app);
    const demote = await api.http().patch(`${membersOf(owner.adAccountId)}/${owner.userId}`).set('Authorization', owner.auth).send({ role: 'ANALYST' });
    expect(demote.status).toBe(409);
    expect(demote.body).toEqual({ code: 9, message: expect.stringContaining('last ADMIN') });
    const remove = await api.http().delete(`${membersOf(owner.adAccountId)}/${owner.userId}`).set('Authorization', owner.auth);
    expect(remove.status).toBe(409);
    expect(remove.body.message).toContain('last ADMIN');
    expect((await listMembers(owner))[0]).toMatchObject({ role: 'ADMIN' });

    const colleague = await signUp(api.app);
    await invite(owner, colleague.email, 'ADMIN');
    await api.http().patch(`${membersOf(owner.adAccountId)}/${owner.userId}`).set('Authorization', owner.auth).send({ role: 'ANALYST' }).expect(200);
    // The colleague is now the last ADMIN.
    const last = await api.http().delete(`${membersOf(owner.adAccountId)}/${colleague.userId}`).set('Authorization', colleague.auth);
    expect(last.status).toBe(409);
  });

  it('removes a member, who loses access at once; audited with the old values', async () => {
    const owner = await signUp(api.app);
    const colleague = await signUp(api.app);
    await invite(owner, colleague.email, 'CAMPAIGN_MANAGER');
    await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', colleague.auth).expect(200);
    await api.http().delete(`${membersOf(owner.adAccountId)}/${colleague.userId}`).set('Authorization', owner.auth).expect(204);
    const after = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', colleague.auth);
    expect(after.status).toBe(404);
    expect((await listMembers(owner)).map((m) => m.user_id)).toEqual([owner.userId]);
    const [entry] = await auditOf(owner, { object_type: 'MEMBER', action: 'DELETE' });
    expect(entry).toMatchObject({
      object_id: colleague.userId,
      old_values: { user_id: colleague.userId, email: colleague.email, role: 'CAMPAIGN_MANAGER' },
      new_values: null,
    });
  });

  it('cancels a pending invitation, audited; an unknown invitation is 404', async () => {
    const owner = await signUp(api.app);
    const email = `cancel-${randomUUID()}@test.loupe.dev`;
    await invite(owner, email, 'FINANCE_MANAGER');
    await api.http().delete(`/v5/ad_accounts/${owner.adAccountId}/invitations/${encodeURIComponent(email.toUpperCase())}`).set('Authorization', owner.auth).expect(204);
    expect((await listMembers(owner)).map((m) => m.status)).toEqual(['ACTIVE']);
    const [entry] = await auditOf(owner, { object_type: 'INVITATION', action: 'DELETE' });
    expect(entry).toMatchObject({ old_values: { email, role: 'FINANCE_MANAGER' } });

    const again = await api.http().delete(`/v5/ad_accounts/${owner.adAccountId}/invitations/${encodeURIComponent(email)}`).set('Authorization', owner.auth);
    expect(again.status).toBe(404);
    expect(again.body.message).toContain(email);
    const bad = await api.http().delete(`/v5/ad_accounts/${owner.adAccountId}/invitations/nobody`).set('Authorization', owner.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('email');

    // The cancelled email signs up without getting the role.
    const late = await signUpWithEmail(email);
    const res = await api.http().get(`/v5/ad_accounts/${owner.adAccountId}`).set('Authorization', late.auth);
    expect(res.status).toBe(404);
  });

  it('does not let one account cancel another account’s invitation', async () => {
    const owner = await signUp(api.app);
    const other = await signUp(api.app);
    const email = `mine-${randomUUID()}@test.loupe.dev`;
    await invite(owner, email, 'ANALYST');
    const res = await api.http().delete(`/v5/ad_accounts/${other.adAccountId}/invitations/${encodeURIComponent(email)}`).set('Authorization', other.auth);
    expect(res.status).toBe(404);
    expect((await listMembers(owner)).map((m) => m.email)).toContain(email);
  });

  it('paginates members and invitations together across pages', async () => {
    const owner = await signUp(api.app);
    const colleague = await signUp(api.app);
    await invite(owner, colleague.email, 'ANALYST');
    await invite(owner, `p-${randomUUID()}@test.loupe.dev`, 'ANALYST');
    const first = await api.http().get(membersOf(owner.adAccountId)).query({ page_size: 2 }).set('Authorization', owner.auth).expect(200);
    expectPinterest('Paginated', first.body);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.bookmark).toEqual(expect.any(String));
    const second = await api.http().get(membersOf(owner.adAccountId)).query({ page_size: 2, bookmark: first.body.bookmark }).set('Authorization', owner.auth).expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.bookmark).toBeNull();
    const emails = [...first.body.items, ...second.body.items].map((m: Member) => m.email);
    expect(new Set(emails).size).toBe(3);
    expect(emails).toEqual(expect.arrayContaining([owner.email, colleague.email]));
  });

  describe('role checks', () => {
    it('lets an ANALYST list members but not invite, change roles or remove (403)', async () => {
      const owner = await signUp(api.app);
      const analyst = await signUp(api.app);
      await invite(owner, analyst.email, 'ANALYST');
      expect(await listMembers(analyst, owner.adAccountId)).toHaveLength(2);
      const inviteRes = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', analyst.auth).send({ email: 'x@y.dev', role: 'ADMIN' });
      expect(inviteRes.status).toBe(403);
      expect(inviteRes.body.code).toBe(3);
      const promote = await api.http().patch(`${membersOf(owner.adAccountId)}/${analyst.userId}`).set('Authorization', analyst.auth).send({ role: 'ADMIN' });
      expect(promote.status).toBe(403);
      const remove = await api.http().delete(`${membersOf(owner.adAccountId)}/${owner.userId}`).set('Authorization', analyst.auth);
      expect(remove.status).toBe(403);
      const cancel = await api.http().delete(`/v5/ad_accounts/${owner.adAccountId}/invitations/x%40y.dev`).set('Authorization', analyst.auth);
      expect(cancel.status).toBe(403);
    });

    it('lets a CAMPAIGN_MANAGER and a FINANCE_MANAGER read but not write members', async () => {
      const owner = await signUp(api.app);
      for (const role of ['CAMPAIGN_MANAGER', 'FINANCE_MANAGER'] as const) {
        const user = await signUp(api.app);
        await invite(owner, user.email, role);
        await api.http().get(membersOf(owner.adAccountId)).set('Authorization', user.auth).expect(200);
        const res = await api.http().post(membersOf(owner.adAccountId)).set('Authorization', user.auth).send({ email: 'z@y.dev', role: 'ANALYST' });
        expect(res.status).toBe(403);
      }
    });

    it('answers 404 on every member route to a user with no role on the account', async () => {
      const owner = await signUp(api.app);
      const stranger = await signUp(api.app);
      const calls = [
        api.http().get(membersOf(owner.adAccountId)),
        api.http().post(membersOf(owner.adAccountId)).send({ email: stranger.email, role: 'ADMIN' }),
        api.http().patch(`${membersOf(owner.adAccountId)}/${owner.userId}`).send({ role: 'ANALYST' }),
        api.http().delete(`${membersOf(owner.adAccountId)}/${owner.userId}`),
        api.http().delete(`/v5/ad_accounts/${owner.adAccountId}/invitations/a%40b.dev`),
      ];
      for (const call of calls) {
        const res = await call.set('Authorization', stranger.auth);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ code: 4, message: 'Ad account not found.' });
      }
      expect(await listMembers(owner)).toHaveLength(1);
    });
  });
});
