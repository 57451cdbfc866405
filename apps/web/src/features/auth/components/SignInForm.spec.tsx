import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adAccount, fail, ok, stubApi } from '../../../test/apiStub';
import { renderAppWithRouter } from '../../../test/render';

const token = { access_token: 'tok-123', token_type: 'bearer', expires_in: 2_592_000, user_id: '7' };

function fillAndSubmit(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in form', () => {
  it('says beside the field that the email is not an email, without calling the API', async () => {
    const api = stubApi({});
    renderAppWithRouter('/signin');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    fillAndSubmit('not-an-email', 'whatever');

    const email = screen.getByLabelText('Email');
    expect(await screen.findByText('Must be an email address.')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email.getAttribute('aria-describedby')).toContain(screen.getByText('Must be an email address.').id);
    expect(api.calls).toHaveLength(0);
  });

  it("shows the API's message when the credentials are refused, and stays signed out", async () => {
    stubApi({ 'POST /v5/auth/login': fail(401, 2, 'Authentication failed: wrong email or password.') });
    const { router } = renderAppWithRouter('/signin');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    fillAndSubmit('ann@example.com', 'wrong password');

    expect(await screen.findByRole('alert')).toHaveTextContent('Authentication failed: wrong email or password.');
    expect(router.state.location.pathname).toBe('/signin');
    expect(window.sessionStorage.getItem('loupe.session')).toBeNull();
  });

  it('keeps the token for the tab only, sends it as a bearer token and goes where the person was going', async () => {
    const api = stubApi({ 'POST /v5/auth/login': ok(token), 'GET /v5/ad_accounts': ok({ items: [adAccount()], bookmark: null }) });
    const { router } = renderAppWithRouter(`/signin?next=${encodeURIComponent('/accounts')}`);
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    fillAndSubmit('Ann@Example.com', 'correct horse battery');

    await screen.findByRole('heading', { level: 1, name: 'Ad accounts' });
    expect(router.state.location.pathname).toBe('/accounts');
    expect(api.callsTo('POST /v5/auth/login')[0]?.body).toEqual({ email: 'ann@example.com', password: 'correct horse battery' });
    expect(JSON.parse(window.sessionStorage.getItem('loupe.session') ?? '{}')).toEqual({ token: 'tok-123', userId: '7' });
    expect(window.localStorage.getItem('loupe.session')).toBeNull();
    await waitFor(() => expect(api.callsTo('GET /v5/ad_accounts')[0]?.authorization).toBe('Bearer tok-123'));
  });

  it('keeps the token across browser restarts only when "Keep me signed in" is ticked', async () => {
    stubApi({ 'POST /v5/auth/login': ok(token), 'GET /v5/ad_accounts': ok({ items: [], bookmark: null }) });
    renderAppWithRouter('/signin');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    fireEvent.click(screen.getByLabelText('Keep me signed in on this device'));
    fillAndSubmit('ann@example.com', 'correct horse battery');

    await screen.findByRole('heading', { level: 1, name: 'Ad accounts' });
    expect(JSON.parse(window.localStorage.getItem('loupe.session') ?? '{}')).toEqual({ token: 'tok-123', userId: '7' });
    expect(window.sessionStorage.getItem('loupe.session')).toBeNull();
  });

  it('does not follow a "next" that leaves the app', async () => {
    stubApi({ 'POST /v5/auth/login': ok(token), 'GET /v5/ad_accounts': ok({ items: [], bookmark: null }) });
    const { router } = renderAppWithRouter(`/signin?next=${encodeURIComponent('//evil.example.com/')}`);
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });

    fillAndSubmit('ann@example.com', 'correct horse battery');

    await screen.findByRole('heading', { level: 1, name: 'Ad accounts' });
    expect(router.state.location.pathname).toBe('/accounts');
  });
});
