import { setTimeout as sleep } from 'node:timers/promises';
import { userAccountSchema } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp } from './support/test-app';

describe('GET /v5/user_account (real Postgres)', () => {
  const api = useTestApp();

  it('returns the caller as a Pinterest BUSINESS Account', async () => {
    const user = await signUp(api.app);
    const res = await api.http().get('/v5/user_account').set('Authorization', user.auth).expect(200);
    expectPinterest('Account', res.body);
    expect(userAccountSchema.parse(res.body)).toEqual({
      id: user.userId,
      username: user.email.split('@')[0],
      account_type: 'BUSINESS',
      business_name: 'Test Business',
      profile_image: '',
      website_url: '',
      about: '',
    });
  });

  it('with ad_account_id returns the owner of an ad account the caller has a role on', async () => {
    const owner = await signUp(api.app);
    const analyst = await signUp(api.app);
    await api.http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: analyst.email, role: 'ANALYST' }).expect(201);
    const res = await api.http().get('/v5/user_account').query({ ad_account_id: owner.adAccountId }).set('Authorization', analyst.auth).expect(200);
    expectPinterest('Account', res.body);
    expect(res.body.id).toBe(owner.userId);
  });

  it('answers 404 for an ad_account_id the caller has no role on and 400 for a malformed one', async () => {
    const owner = await signUp(api.app);
    const stranger = await signUp(api.app);
    const hidden = await api.http().get('/v5/user_account').query({ ad_account_id: owner.adAccountId }).set('Authorization', stranger.auth);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ code: 4, message: 'Ad account not found.' });
    const bad = await api.http().get('/v5/user_account').query({ ad_account_id: 'x1' }).set('Authorization', stranger.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('ad_account_id');
  });

  it('requires a bearer token', async () => {
    const res = await api.http().get('/v5/user_account');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(2);
  });
});

describe('read rate limit per token (real Redis)', () => {
  const api = useTestApp({ RATE_LIMIT_READ_PER_MINUTE: '3' });

  it('answers the 4th read in a minute with 429 code 8 and Retry-After, and leaves other tokens alone', async () => {
    const busy = await signUp(api.app);
    const other = await signUp(api.app);
    // The limit is a fixed one-minute window: start well inside one so all four calls share it.
    const intoMinute = (Date.now() / 1000) % 60;
    if (intoMinute > 50) await sleep((60 - intoMinute + 0.2) * 1000);

    for (let i = 1; i <= 3; i++) {
      const ok = await api.http().get('/v5/user_account').set('Authorization', busy.auth).expect(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(3 - i));
    }
    const limited = await api.http().get('/v5/user_account').set('Authorization', busy.auth);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 8, message: expect.stringContaining('rate limit') });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');

    const unaffected = await api.http().get('/v5/user_account').set('Authorization', other.auth);
    expect(unaffected.status).toBe(200);
    expect(unaffected.headers['x-ratelimit-remaining']).toBe('2');
  });
});
