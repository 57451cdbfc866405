import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adAccount, fail, noContent, ok, stubApi } from '../../../test/apiStub';
import { renderApp, signInForTest } from '../../../test/render';

const admin = { user_id: '1', email: 'owner@example.com', username: 'owner', role: 'ADMIN', status: 'ACTIVE', created_time: 1_767_225_600 };
const token = { id: '31', name: 'Nightly export', created_time: 1_767_225_600, expires_time: null, last_used_time: null, revoked_time: null };

function stubSettings(extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount()], bookmark: null }),
    'GET /v5/ad_accounts/100/members': ok({ items: [admin], bookmark: null }),
    'GET /v5/auth/tokens': ok({ items: [], bookmark: null }),
    ...extra,
  });
}

describe('settings', () => {
  it('shows a new API token once, and only its name afterwards', async () => {
    signInForTest();
    const api = stubSettings({
      'POST /v5/auth/tokens': ok({ ...token, token: 'loupe_secret_abc' }, 201),
      'GET /v5/auth/tokens': [ok({ items: [], bookmark: null }), ok({ items: [token], bookmark: null })],
    });
    renderApp('/accounts/100/settings');
    const form = within(await screen.findByRole('form', { name: 'Create an API token' }));

    fireEvent.change(form.getByLabelText('Name'), { target: { value: 'Nightly export' } });
    fireEvent.click(form.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByLabelText('New API token')).toHaveTextContent('loupe_secret_abc');
    expect(api.callsTo('POST /v5/auth/tokens')[0]?.body).toEqual({ name: 'Nightly export', expires_in_days: 90 });
    expect(await screen.findByRole('cell', { name: 'Nightly export' })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByText('loupe_secret_abc')).not.toBeInTheDocument();
  });

  it('revokes a token after confirmation', async () => {
    signInForTest();
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const api = stubSettings({ 'GET /v5/auth/tokens': ok({ items: [token], bookmark: null }), 'DELETE /v5/auth/tokens/31': noContent });
    renderApp('/accounts/100/settings');

    fireEvent.click(await screen.findByRole('button', { name: 'Revoke Nightly export' }));
    await waitFor(() => expect(api.callsTo('DELETE /v5/auth/tokens/31')).toHaveLength(1));
  });

  it("invites a member with a role and shows the API's refusal beside the form", async () => {
    signInForTest();
    const api = stubSettings({ 'POST /v5/ad_accounts/100/members': fail(409, 9, 'ann@example.com is already a member of this ad account.') });
    renderApp('/accounts/100/settings');
    const form = within(await screen.findByRole('form', { name: 'Invite a member' }));

    fireEvent.change(form.getByLabelText('Email'), { target: { value: 'Ann@Example.com' } });
    fireEvent.change(form.getByLabelText('Role'), { target: { value: 'CAMPAIGN_MANAGER' } });
    fireEvent.click(form.getByRole('button', { name: 'Send invitation' }));

    expect(await form.findByRole('alert')).toHaveTextContent('ann@example.com is already a member of this ad account.');
    expect(api.callsTo('POST /v5/ad_accounts/100/members')[0]?.body).toEqual({ email: 'ann@example.com', role: 'CAMPAIGN_MANAGER' });
  });

  it('shows the account currency as fixed and saves a new timezone', async () => {
    signInForTest();
    const api = stubSettings({ 'PATCH /v5/ad_accounts/100': ok(adAccount({ timezone: 'Europe/Paris' })) });
    renderApp('/accounts/100/settings');
    const form = within(await screen.findByRole('form', { name: 'Edit ad account' }));
    expect(screen.getByText(/USD — every budget, bid and invoice of this account is in it; it cannot change\./)).toBeInTheDocument();

    fireEvent.change(form.getByLabelText('Timezone'), { target: { value: 'Europe/Paris' } });
    fireEvent.click(form.getByRole('button', { name: 'Save' }));

    expect(await form.findByText('Saved.')).toBeInTheDocument();
    expect(api.callsTo('PATCH /v5/ad_accounts/100')[0]?.body).toEqual({ name: 'Clay & Co', timezone: 'Europe/Paris' });
  });
});

describe('session', () => {
  it('signs the person out and asks them to sign in again when the API says the token is no longer valid', async () => {
    signInForTest('expired-token');
    stubApi({ 'GET /v5/ad_accounts': fail(401, 2, 'Authentication failed: the access token has expired.') });
    renderApp('/accounts');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(window.sessionStorage.getItem('loupe.session')).toBeNull();
  });

  it('revokes the token on sign-out and forgets it', async () => {
    signInForTest('tok-1');
    const api = stubApi({ 'GET /v5/ad_accounts': ok({ items: [adAccount()], bookmark: null }), 'POST /v5/auth/logout': noContent });
    renderApp('/accounts');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(api.callsTo('POST /v5/auth/logout')[0]?.authorization).toBe('Bearer tok-1');
    expect(window.sessionStorage.getItem('loupe.session')).toBeNull();
  });
});
