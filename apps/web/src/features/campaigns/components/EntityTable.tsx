import { ENTITY_STATUSES, type EntityStatus } from '@loupe/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type ColDef, type GridApi, type ICellRendererParams } from 'ag-grid-community';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../lib/apiErrors';
import { DateRangeControl } from '../../overview/components/DateRangeControl';
import { presetRange, resolveRange, type DateRange, type RangePreset } from '../../overview/dateRange';
import { useCurrentAccount } from '../../ad-accounts/hooks/useAdAccounts';
import { fetchPage, setStatuses, updateOne, type Level, type RowOf } from '../api/campaigns';
import { fetchRowMetrics } from '../api/metrics';
import { EntityGrid } from './EntityGrid';
import { MoneyEditForm, type MoneyField } from './MoneyEditForm';

type Row = { id: string; status: string; name?: string | null };

const STATUS_FILTERS: { label: string; statuses: EntityStatus[] }[] = [
  { label: 'Active and paused', statuses: ['ACTIVE', 'PAUSED'] },
  { label: 'Active', statuses: ['ACTIVE'] },
  { label: 'Paused', statuses: ['PAUSED'] },
  { label: 'Drafts', statuses: ['DRAFT'] },
  { label: 'Archived', statuses: ['ARCHIVED'] },
  { label: 'All', statuses: ENTITY_STATUSES.filter((s) => s !== 'DELETED_DRAFT') },
];

export interface EntityTableProps<L extends Level> {
  level: L;
  /** "campaigns", "ad groups", "ads": used in labels and messages. */
  noun: string;
  columns: ColDef<RowOf<L>>[];
  parentIds?: { key: 'campaign_ids' | 'ad_group_ids'; ids: string[] };
  /** The money fields a row can edit (budget, bid, caps), or null when it has none. */
  editFields?: (row: RowOf<L>) => MoneyField[] | null;
  /** Shown when the filter finds nothing. */
  empty: ReactNode;
}

/** The list of one level (campaigns, ad groups or ads): filter, grid, inline pause/resume, bulk actions and money edits. */
export function EntityTable<L extends Level>({ level, noun, columns, parentIds, editFields, empty }: EntityTableProps<L>) {
  const { account, can } = useCurrentAccount();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState(0);
  const [selected, setSelected] = useState<RowOf<L>[]>([]);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [editing, setEditing] = useState<RowOf<L> | null>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const apiRef = useRef<GridApi<RowOf<L>> | null>(null);
  const statuses = STATUS_FILTERS[filter]!.statuses;
  // The metrics' date range, in the account's timezone (the overview's presets and clamping to the API's 90 days).
  const [now] = useState(() => new Date());
  const [preset, setPreset] = useState<RangePreset>('last_30_days');
  const [custom, setCustom] = useState<DateRange>(() => presetRange('last_30_days', account.timezone, now));
  const range = useMemo(
    () => resolveRange(preset === 'custom' ? custom : presetRange(preset, account.timezone, now), account.timezone, now),
    [preset, custom, account.timezone, now],
  );
  const [metricsError, setMetricsError] = useState<string | null>(null);

  /** A page of rows with each row's metrics for the range attached (null on every row when they could not be read). */
  const pageWithMetrics = async (bookmark: string | null, pageSize: number, order: 'ASCENDING' | 'DESCENDING') => {
    const page = await fetchPage(account.id, level, { bookmark, pageSize, order, statuses, parentIds });
    try {
      const metrics = await fetchRowMetrics(account.id, level, page.items.map((r) => (r as Row).id), range);
      setMetricsError(null);
      return { ...page, items: page.items.map((r) => ({ ...r, metrics: metrics.get((r as Row).id) ?? null })) };
    } catch (error) {
      setMetricsError(errorMessage(error));
      return { ...page, items: page.items.map((r) => ({ ...r, metrics: null })) };
    }
  };

  const changeStatus = async (ids: string[], status: 'ACTIVE' | 'PAUSED') => {
    setBusy(true);
    setNotice(null);
    try {
      const failed = await setStatuses(account.id, level, ids, status);
      const verb = status === 'PAUSED' ? 'Paused' : 'Resumed';
      const done = ids.length - failed.length;
      setNotice(
        failed.length === 0
          ? { tone: 'ok', text: `${verb} ${done} ${done === 1 ? noun.replace(/s$/, '') : noun}.` }
          : { tone: 'error', text: `${verb} ${done}; ${failed.length} failed: ${failed.map((f) => f.message).join(' ')}` },
      );
    } catch (error) {
      setNotice({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(false);
      apiRef.current?.refreshInfiniteCache();
      apiRef.current?.deselectAll();
      void queryClient.invalidateQueries({ queryKey: ['ad-accounts', account.id] });
    }
  };

  const allColumns = useMemo<ColDef<RowOf<L>>[]>(() => {
    if (!can.canEditCampaigns) return columns;
    const actions: ColDef<RowOf<L>> = {
      headerName: 'Actions',
      colId: 'actions',
      minWidth: editFields ? 220 : 120,
      cellRenderer: (params: ICellRendererParams<RowOf<L>>) => {
        const row = params.data as (RowOf<L> & Row) | undefined;
        if (!row) return null;
        const label = row.name ?? row.id;
        return (
          <div className="cell-actions">
            {row.status === 'ACTIVE' && (
              <button type="button" className="button button--small" aria-label={`Pause ${label}`} disabled={busy} onClick={() => void changeStatus([row.id], 'PAUSED')}>
                Pause
              </button>
            )}
            {row.status === 'PAUSED' && (
              <button type="button" className="button button--small" aria-label={`Resume ${label}`} disabled={busy} onClick={() => void changeStatus([row.id], 'ACTIVE')}>
                Resume
              </button>
            )}
            {editFields?.(row) && (
              <button type="button" className="button button--small" aria-label={`Edit budget of ${label}`} onClick={() => setEditing(row)}>
                Edit budget
              </button>
            )}
          </div>
        );
      },
    };
    // Right after the status it changes, so it stays in view however many metric columns follow.
    const at = columns.findIndex((c) => c.colId === 'status') + 1;
    return at > 0 ? [...columns.slice(0, at), actions, ...columns.slice(at)] : [...columns, actions];
  }, [columns, can.canEditCampaigns, busy, editFields, account.id]);

  const fields = editing ? editFields?.(editing) : null;
  const selectedIds = selected.map((r) => r.id);

  return (
    <div className="entity-table">
      <DateRangeControl
        preset={preset}
        custom={custom}
        resolved={range}
        timeZone={account.timezone}
        onPreset={setPreset}
        onCustom={setCustom}
        showComparison={false}
      />
      {metricsError && (
        <div role="alert" className="callout callout--error">
          <p>{`Metrics for ${range.start} → ${range.end} could not be loaded: ${metricsError}`}</p>
        </div>
      )}
      <div className="toolbar">
        <label className="toolbar__filter">
          Show{' '}
          <select value={filter} onChange={(e) => setFilter(Number(e.target.value))}>
            {STATUS_FILTERS.map((f, i) => (
              <option key={f.label} value={i}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" aria-live="polite">
          {total === undefined ? '' : `${total} ${total === 1 ? noun.replace(/s$/, '') : noun}`}
        </span>
        {can.canEditCampaigns && (
          <div className="toolbar__bulk" role="group" aria-label="Bulk actions">
            <span className="muted">{selected.length} selected</span>
            <button type="button" className="button button--small" disabled={busy || selected.length === 0} onClick={() => void changeStatus(selectedIds, 'PAUSED')}>
              Pause selected
            </button>
            <button type="button" className="button button--small" disabled={busy || selected.length === 0} onClick={() => void changeStatus(selectedIds, 'ACTIVE')}>
              Resume selected
            </button>
            {editFields && (
              <button
                type="button"
                className="button button--small"
                disabled={selected.length !== 1 || !editFields(selected[0]!)}
                onClick={() => setEditing(selected[0] ?? null)}
              >
                Edit budget of selected
              </button>
            )}
          </div>
        )}
      </div>
      {notice && (
        <div role={notice.tone === 'error' ? 'alert' : 'status'} className={`callout ${notice.tone === 'error' ? 'callout--error' : 'callout--ok'}`}>
          <p>{notice.text}</p>
        </div>
      )}
      {editing && fields && (
        <MoneyEditForm
          key={editing.id}
          title={`Budget of ${(editing as RowOf<L> & Row).name ?? editing.id}`}
          currency={account.currency}
          fields={fields}
          onSave={async (values) => {
            await updateOne(account.id, level, { id: editing.id, ...values });
            setNotice({ tone: 'ok', text: 'Saved.' });
            apiRef.current?.refreshInfiniteCache();
          }}
          onDone={() => setEditing(null)}
        />
      )}
      {total === 0 ? (
        empty
      ) : null}
      <div hidden={total === 0}>
        <EntityGrid<RowOf<L>>
          label={noun}
          columns={allColumns}
          resetKey={`${account.id}:${level}:${statuses.join(',')}:${parentIds?.ids.join(',') ?? ''}:${range.start}:${range.end}`}
          fetchPage={pageWithMetrics}
          selectable={can.canEditCampaigns}
          onSelectionChange={setSelected}
          onTotal={setTotal}
          total={total}
          onApi={(api) => {
            apiRef.current = api;
          }}
        />
      </div>
    </div>
  );
}
