import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adAccount, campaign, ok, stubApi } from '../test/apiStub';
import { renderApp, signInForTest } from '../test/render';

const member = { user_id: '7', email: 'ann@example.com', username: 'ann', role: 'ANALYST', status: 'ACTIVE', created_time: 1_767_225_600 };

function stubAccount(role: 'ADMIN' | 'ANALYST' | 'FINANCE_MANAGER') {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount({ role }), adAccount({ id: '200', name: 'Second store', currency: 'EUR' })], bookmark: null }),
    'GET /v5/ad_accounts/100/campaigns': ok({ items: [campaign()], bookmark: null }),
    'GET /v5/ad_accounts/100/members': ok({ items: [member], bookmark: null }),
    'GET /v5/auth/tokens': ok({ items: [], bookmark: null }),
  });
}

describe('role-aware screens', () => {
  it('shows an analyst the campaigns without any edit control', async () => {
    signInForTest();
    stubAccount('ANALYST');
    renderApp('/accounts/100/campaigns');

    expect(await screen.findByRole('heading', { level: 1, name: 'Campaigns' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Spring mugs' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New campaign' })).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Bulk actions' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pause/ })).not.toBeInTheDocument();
  });

  it('gives an admin the new-campaign button, bulk actions and inline pause', async () => {
    signInForTest();
    stubAccount('ADMIN');
    renderApp('/accounts/100/campaigns');

    expect(await screen.findByRole('button', { name: 'Pause Spring mugs' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New campaign' })).toHaveAttribute('href', '/accounts/100/campaigns/new');
    expect(screen.getByRole('group', { name: 'Bulk actions' })).toBeInTheDocument();
  });

  it('lets an analyst read members and settings but not invite, change roles or edit the account', async () => {
    signInForTest();
    stubAccount('ANALYST');
    renderApp('/accounts/100/settings');

    const members = within((await screen.findByRole('heading', { name: 'Members and roles' })).closest('section')!);
    expect(await members.findByText('ann@example.com')).toBeInTheDocument();
    expect(members.getByText('Analyst')).toBeInTheDocument();
    expect(members.queryByRole('combobox')).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Invite a member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Edit ad account' })).not.toBeInTheDocument();
    expect(screen.getByText(/Only admins can change them/)).toBeInTheDocument();
  });

  it('does not offer campaigns to a finance manager, whose role cannot read them', async () => {
    signInForTest();
    stubAccount('FINANCE_MANAGER');
    renderApp('/accounts/100/settings');

    const sections = await screen.findByRole('navigation', { name: 'Account sections' });
    expect(within(sections).queryByRole('link', { name: 'Campaigns' })).not.toBeInTheDocument();
    expect(within(sections).getByRole('link', { name: 'Settings' })).toBeInTheDocument();
  });

  it('lists every ad account in the switcher with its currency and the role held', async () => {
    signInForTest();
    stubAccount('ANALYST');
    renderApp('/accounts/100/settings');

    const switcher = await screen.findByRole('combobox', { name: 'Switch ad account' });
    expect(within(switcher).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Clay & Co · USD · Analyst',
      'Second store · EUR · Admin',
      '+ Create ad account…',
    ]);
  });

  it('answers an ad account the person has no role on as not found, as the API does', async () => {
    signInForTest();
    stubAccount('ADMIN');
    renderApp('/accounts/999/campaigns');
    expect(await screen.findByRole('heading', { level: 1, name: 'Ad account not found' })).toBeInTheDocument();
  });
});
