import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adGroup, bulkFail, bulkOk, stubApi } from '../../../test/apiStub';
import { renderWithQueryClient } from '../../../test/render';
import { updateOne } from '../api/campaigns';
import { MoneyEditForm, type MoneyField } from './MoneyEditForm';

const fields: MoneyField[] = [
  { name: 'budget_in_micro_currency', label: 'Daily budget', micros: 50_000_000, required: true },
  { name: 'bid_in_micro_currency', label: 'Max bid per click', micros: 2_500_000, required: true },
];

function renderForm(onDone = vi.fn()) {
  renderWithQueryClient(
    <MoneyEditForm
      title="Budget of Spring mugs"
      currency="USD"
      fields={fields}
      onSave={(values) => updateOne('100', 'ad_groups', { id: '601', ...values })}
      onDone={onDone}
    />,
  );
  return onDone;
}

describe('budget and bid edit', () => {
  it('starts from the current amounts in the currency', () => {
    stubApi({});
    renderForm();
    expect(screen.getByLabelText('Daily budget ($)')).toHaveValue('50.00');
    expect(screen.getByLabelText('Max bid per click ($)')).toHaveValue('2.50');
  });

  it('refuses an amount the currency cannot hold, beside its field, without calling the API', async () => {
    const api = stubApi({});
    renderForm();
    fireEvent.change(screen.getByLabelText('Max bid per click ($)'), { target: { value: '0.001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('USD amounts have at most 2 decimals.')).toBeInTheDocument();
    expect(screen.getByLabelText('Max bid per click ($)')).toHaveAttribute('aria-invalid', 'true');
    expect(api.calls).toHaveLength(0);
  });

  it("shows the API's rejection of the bid (below the floor) under the bid field and keeps the form open", async () => {
    const api = stubApi({
      'PATCH /v5/ad_accounts/100/ad_groups': bulkFail('Invalid parameters. bid_in_micro_currency: must be at least the bid floor of 0.08 USD (80000 micros)'),
    });
    const onDone = renderForm();
    fireEvent.change(screen.getByLabelText('Max bid per click ($)'), { target: { value: '0.05' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Must be at least the bid floor of 0.08 USD (80000 micros).')).toBeInTheDocument();
    expect(screen.getByLabelText('Max bid per click ($)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Daily budget ($)')).toHaveAttribute('aria-invalid', 'false');
    expect(onDone).not.toHaveBeenCalled();
    expect(api.calls[0]?.body).toEqual([{ id: '601', budget_in_micro_currency: 50_000_000, bid_in_micro_currency: 50_000 }]);
  });

  it('sends the new amounts in integer micros and closes when the API accepts them', async () => {
    const api = stubApi({ 'PATCH /v5/ad_accounts/100/ad_groups': bulkOk(adGroup({ budget_in_micro_currency: 75_500_000 })) });
    const onDone = renderForm();
    fireEvent.change(screen.getByLabelText('Daily budget ($)'), { target: { value: '75.50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.calls[0]?.body).toEqual([{ id: '601', budget_in_micro_currency: 75_500_000, bid_in_micro_currency: 2_500_000 }]);
  });
});
