import { describe, expect, it } from 'vitest';
import { signUp, useTestApp } from './support/test-app';

describe('auth: sign-up, login, logout (real Postgres)', () => {
  const api = useTestApp();

  it('signs up a user with a first ad account and a working token', async () => {
    const user = await signUp(api.app, { name: 'Acme', currency: 'EUR', timezone: 'Europe/Berlin', country: 'DE' });
    expect(user.token).toMatch(/^loupe_[A-Za-z0-9_-]{43}$/);
    expect(user.adAccountId).toMatch(/^\d+$/);
  });

  it('refuses a second sign-up with the same email (409, nothing created)', async () => {
    const user = await signUp(api.app);
    const res = await api.http()
      .post('/v5/auth/signup')
      .send({ email: user.email.toUpperCase(), password: 'another password', business_name: 'B', ad_account: { name: 'X' } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 9, message: expect.stringContaining('already exists') });
  });

  it('rejects a weak password and an unknown field with 400 naming the field', async () => {
    const weak = await api.http()
      .post('/v5/auth/signup')
      .send({ email: 'x@example.com', password: 'short', business_name: 'B', ad_account: { name: 'X' } });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toContain('password');
    const unknown = await api.http()
      .post('/v5/auth/signup')
      .send({ email: 'y@example.com', password: 'long enough pw', business_name: 'B', ad_account: { name: 'X' }, admin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('admin');
  });

  it('logs in with the right password only, and logout revokes the token', async () => {
    const user = await signUp(api.app);
    const wrong = await api.http().post('/v5/auth/login').send({ email: user.email, password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe(2);
    const ok = await api.http().post('/v5/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(ok.body).toMatchObject({ token_type: 'bearer', expires_in: 30 * 24 * 3600, user_id: user.userId });
    const auth = `Bearer ${ok.body.access_token}`;
    await api.http().post('/v5/auth/logout').set('Authorization', auth).expect(204);
    const after = await api.http().post('/v5/auth/logout').set('Authorization', auth);
    expect(after.status).toBe(401);
  });

  it('answers a missing or malformed bearer token with 401 code 2', async () => {
    const none = await api.http().post('/v5/auth/logout');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe(2);
    const forged = await api.http().post('/v5/auth/logout').set('Authorization', 'Bearer loupe_forged');
    expect(forged.status).toBe(401);
  });
});
