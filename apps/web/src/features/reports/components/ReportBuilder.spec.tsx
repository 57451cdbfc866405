import { type ReportDefinition } from '@loupe/contracts';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { initialBuilderState, type BuilderState } from '../definition';
import { ReportBuilder } from './ReportBuilder';

const NOW = new Date('2026-11-27T15:00:00Z');
const ACCOUNTS = [
  { id: '7', name: 'Clay US', currency: 'USD', timezone: 'America/New_York' },
  { id: '8', name: 'Clay Europe', currency: 'EUR', timezone: 'Europe/Berlin' },
];

function Harness({ onRun, initial }: { onRun: (d: ReportDefinition) => void; initial?: Partial<BuilderState> }) {
  const [state, setState] = useState<BuilderState>({ ...initialBuilderState('7', 'America/New_York', NOW), ...initial });
  return <ReportBuilder state={state} onChange={setState} accounts={ACCOUNTS} homeAccountId="7" timeZone="America/New_York" now={NOW} onRun={onRun} />;
}

describe('report builder form', () => {
  it('builds a report over two accounts by week and campaign with a filter, from the controls a person uses', () => {
    const onRun = vi.fn();
    render(<Harness onRun={onRun} />);
    const form = screen.getByRole('form', { name: 'Report builder' });
    fireEvent.click(within(form).getByLabelText('Clay Europe · EUR'));
    fireEvent.click(within(form).getByLabelText('Last 7 days'));
    fireEvent.change(within(form).getByLabelText('Granularity'), { target: { value: 'week' } });
    fireEvent.click(within(form).getByLabelText('Campaign'));
    fireEvent.click(within(form).getByLabelText('ROAS'));
    fireEvent.click(within(form).getByLabelText('Conversion value'));
    fireEvent.change(within(form).getByLabelText('Campaign ids'), { target: { value: '11, 12' } });
    expect(within(form).getByText('2026-11-21 → 2026-11-27, each account’s days in its own timezone')).toBeInTheDocument();
    fireEvent.click(within(form).getByRole('button', { name: 'Run report' }));

    expect(onRun).toHaveBeenCalledTimes(1);
    expect(onRun.mock.calls[0]![0]).toEqual({
      ad_account_ids: ['7', '8'],
      start_date: '2026-11-21',
      end_date: '2026-11-27',
      dimensions: ['campaign', 'week'],
      metrics: ['spend', 'impressions', 'clicks', 'ctr', 'conversions', 'conversion_value'],
      filters: { campaign_ids: ['11', '12'] },
      click_window_days: 30,
      view_window_days: 1,
      conversion_report_time: 'TIME_OF_AD_ACTION',
    });
  });

  it('refuses a report without metrics and with a reversed custom range, beside the fields, focusing the first', () => {
    const onRun = vi.fn();
    render(<Harness onRun={onRun} initial={{ metrics: ['spend'] }} />);
    const form = screen.getByRole('form', { name: 'Report builder' });
    fireEvent.click(within(form).getByLabelText('Spend'));
    fireEvent.click(within(form).getByLabelText('Custom'));
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '2026-11-20' } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2026-11-02' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Run report' }));

    expect(onRun).not.toHaveBeenCalled();
    const metrics = within(form).getByRole('group', { name: 'Metrics' });
    expect(metrics).toHaveAccessibleDescription('Choose at least one metric.');
    expect(within(form).getByRole('group', { name: 'Date range' })).toHaveAccessibleDescription('The end date is before the start date.');
    expect(document.activeElement).toBe(within(form).getByRole('group', { name: 'Date range' }));
  });

  it('keeps the home account chosen while it is the only one', () => {
    render(<Harness onRun={vi.fn()} />);
    expect(screen.getByLabelText('Clay US · USD')).toBeDisabled();
    fireEvent.click(screen.getByLabelText('Clay Europe · EUR'));
    expect(screen.getByLabelText('Clay US · USD')).toBeEnabled();
  });
});
