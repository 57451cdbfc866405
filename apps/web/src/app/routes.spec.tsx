import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, renderAppWithRouter } from '../test/render';

describe('app shell', () => {
  it('puts the brand and a focusable main navigation in the header landmark', async () => {
    renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Loupe' });

    const banner = screen.getByRole('banner');
    expect(within(banner).getByRole('link', { name: 'Loupe' })).toHaveAttribute('href', '/');
    const nav = within(banner).getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'System status' })).toHaveAttribute('href', '/status');
    expect(within(nav).getByRole('link', { name: 'API docs' })).toHaveAttribute('href', '/docs');
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main');
    expect(screen.getByRole('link', { name: 'Skip to content' })).toHaveAttribute('href', '#main');
  });

  it('offers sign-up and sign-in on the home page, and links to status and the API docs', async () => {
    renderApp('/');
    const main = within(await screen.findByRole('main'));

    expect(await main.findByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/signup');
    expect(main.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin');
    expect(main.getByRole('link', { name: 'System status' })).toHaveAttribute('href', '/status');
    expect(main.getByRole('link', { name: 'API documentation' })).toHaveAttribute('href', '/docs');
  });

  it('sends a signed-out visitor of an account screen to sign-in, remembering where they were going', async () => {
    const { router } = renderAppWithRouter('/accounts/42/campaigns');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/signin');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/accounts/42/campaigns')}`);
  });

  it('answers an unknown path with a not-found page that names it', async () => {
    renderApp('/campaigns/does-not-exist');

    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/campaigns/does-not-exist')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
  });
});
