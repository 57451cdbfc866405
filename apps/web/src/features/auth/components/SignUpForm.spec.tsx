import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adAccount, fail, ok, stubApi } from '../../../test/apiStub';
import { renderAppWithRouter } from '../../../test/render';

function field(label: string) {
  return screen.getByLabelText(label);
}

function fill(values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) fireEvent.change(field(label), { target: { value } });
}

describe('sign-up form', () => {
  it('shows each invalid field its own message and sends nothing', async () => {
    const api = stubApi({});
    renderAppWithRouter('/signup');
    await screen.findByRole('heading', { level: 1, name: 'Create your account' });

    fill({ 'Work email': 'ann@example.com', Password: 'short' });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByText('Must be at least 10 characters.')).toBeInTheDocument();
    expect(field('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Business name')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Work email')).toHaveAttribute('aria-invalid', 'false');
    expect(api.calls).toHaveLength(0);

    fill({ Password: 'long enough now' });
    expect(screen.queryByText('Must be at least 10 characters.')).not.toBeInTheDocument();
    expect(field('Business name')).toHaveAttribute('aria-invalid', 'true');
  });

  it("puts the API's field error beside the field it names", async () => {
    stubApi({ 'POST /v5/auth/signup': fail(400, 1, 'Invalid parameters. ad_account.timezone: must be an IANA time zone such as America/New_York') });
    renderAppWithRouter('/signup');
    await screen.findByRole('heading', { level: 1, name: 'Create your account' });

    fill({ 'Work email': 'ann@example.com', Password: 'correct horse battery', 'Business name': 'Clay & Co' });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByText('Must be an IANA time zone such as America/New_York.')).toBeInTheDocument();
    expect(field('Timezone')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a conflict (email already registered) as an alert with the API message', async () => {
    stubApi({ 'POST /v5/auth/signup': fail(409, 9, 'An account with this email already exists; sign in instead.') });
    renderAppWithRouter('/signup');
    await screen.findByRole('heading', { level: 1, name: 'Create your account' });

    fill({ 'Work email': 'ann@example.com', Password: 'correct horse battery', 'Business name': 'Clay & Co' });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this email already exists; sign in instead.');
  });

  it('creates the user with a first ad account (named after the business by default) and opens its campaigns', async () => {
    const api = stubApi({
      'POST /v5/auth/signup': ok({ access_token: 'tok', token_type: 'bearer', expires_in: 1, user_id: '7', ad_account_id: '100' }, 201),
      'GET /v5/ad_accounts': ok({ items: [adAccount({ currency: 'EUR' })], bookmark: null }),
    });
    const { router } = renderAppWithRouter('/signup');
    await screen.findByRole('heading', { level: 1, name: 'Create your account' });

    fill({ 'Work email': 'ann@example.com', Password: 'correct horse battery', 'Business name': 'Clay & Co', Currency: 'EUR', Timezone: 'Europe/Berlin' });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    await within(await screen.findByRole('main')).findByRole('heading', { level: 1, name: 'Campaigns' });
    expect(router.state.location.pathname).toBe('/accounts/100/campaigns');
    expect(api.callsTo('POST /v5/auth/signup')[0]?.body).toEqual({
      email: 'ann@example.com',
      password: 'correct horse battery',
      business_name: 'Clay & Co',
      ad_account: { name: 'Clay & Co', country: 'US', currency: 'EUR', timezone: 'Europe/Berlin' },
    });
  });
});
