import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReportDefinition, type SavedReport } from '@loupe/contracts';
import { useId, useState, type FormEvent } from 'react';
import { Field } from '../../../components/Field';
import { EmptyState, ErrorState, Skeleton } from '../../../components/States';
import { errorMessage } from '../../../lib/apiErrors';
import { formatDateTime } from '../../../lib/format';
import { getSession } from '../../../lib/session';
import { fetchMembers, membersQueryKey } from '../../settings/api/settings';
import { createSavedReport, fetchSavedReports, savedReportsQueryKey, updateSavedReport } from '../api/reports';

interface Props {
  accountId: string;
  timeZone: string;
  /** The builder's current definition (null until it is valid and has run). */
  definition: ReportDefinition | null;
  opened: SavedReport | null;
  onOpen: (report: SavedReport) => void;
}

const ANALYTICS_ROLES = new Set(['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST']);

/**
 * Saved reports of the ad account: the list (open one into the builder), save the
 * current report under a name, save changes to the opened one, and share it with the
 * account's members who may read reports (only its owner changes whom it is shared with).
 */
export function SavedReports({ accountId, timeZone, definition, opened, onOpen }: Props) {
  const id = useId();
  const client = useQueryClient();
  const me = getSession()?.userId ?? null;
  const list = useQuery({ queryKey: savedReportsQueryKey(accountId), queryFn: ({ signal }) => fetchSavedReports(accountId, signal) });
  const members = useQuery({ queryKey: membersQueryKey(accountId), queryFn: ({ signal }) => fetchMembers(accountId, signal) });
  const [name, setName] = useState('');
  const [shareAccount, setShareAccount] = useState(false);
  const [shareUsers, setShareUsers] = useState<string[]>([]);
  const [nameError, setNameError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isOwner = opened === null || opened.owner_user_id === me;

  const openReport = (report: SavedReport) => {
    setName(report.name);
    setShareAccount(report.shared_with_account);
    setShareUsers(report.shared_with_user_ids);
    setNotice(null);
    onOpen(report);
  };

  const save = useMutation({
    mutationFn: async (mode: 'create' | 'update') => {
      if (!definition) throw new Error('Run the report before saving it.');
      const sharing = { shared_with_account: shareAccount, shared_with_user_ids: shareUsers };
      if (mode === 'update' && opened) return updateSavedReport(accountId, opened.id, { name: name.trim(), definition, ...(isOwner ? sharing : {}) });
      return createSavedReport(accountId, { name: name.trim(), definition, ...sharing });
    },
    onSuccess: async (report, mode) => {
      setNotice(mode === 'create' ? `Saved “${report.name}”.` : `Saved changes to “${report.name}”.`);
      await client.invalidateQueries({ queryKey: savedReportsQueryKey(accountId) });
      onOpen(report);
    },
  });

  const submit = (mode: 'create' | 'update') => (event?: FormEvent) => {
    event?.preventDefault();
    if (name.trim() === '') {
      setNameError('Give the report a name.');
      document.querySelector<HTMLElement>(`[aria-label="Save report"] [data-field="name"]`)?.focus();
      return;
    }
    setNameError(null);
    save.mutate(mode);
  };

  const shareable = (members.data ?? []).filter((m) => m.user_id !== null && m.user_id !== me && m.status === 'ACTIVE' && ANALYTICS_ROLES.has(m.role));

  return (
    <section aria-labelledby={`${id}-title`} className="report-saved">
      <h2 id={`${id}-title`}>Saved reports</h2>
      {list.isPending ? (
        <Skeleton label="Loading saved reports…" lines={2} />
      ) : list.isError ? (
        <ErrorState title="Could not load saved reports" error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No saved reports yet">
          <p>Build a report, run it, then save it under a name to open it again or share it with your team.</p>
        </EmptyState>
      ) : (
        <ul className="report-saved__list" aria-label="Saved reports">
          {list.data.map((report) => (
            <li key={report.id}>
              <button type="button" className="button button--quiet button--small" aria-current={opened?.id === report.id ? 'true' : undefined} onClick={() => openReport(report)}>
                {`Open ${report.name}`}
              </button>
              <span className="muted">{` ${report.owner_user_id === me ? 'yours' : 'shared with you'}${report.shared_with_account ? ' · shared with the account' : report.shared_with_user_ids.length > 0 ? ` · shared with ${report.shared_with_user_ids.length}` : ''} · updated ${formatDateTime(report.updated_time, timeZone)}`}</span>
            </li>
          ))}
        </ul>
      )}

      <form aria-label="Save report" className="report-saved__form" onSubmit={submit(opened ? 'update' : 'create')} noValidate>
        <Field label="Report name" error={nameError ?? undefined}>
          {(props) => <input {...props} data-field="name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset className="report-builder__group" disabled={!isOwner}>
          <legend>Share</legend>
          {!isOwner && <p className="muted">Only the report’s owner changes whom it is shared with.</p>}
          <label className="check">
            <input type="checkbox" checked={shareAccount} onChange={(e) => setShareAccount(e.target.checked)} />
            Everyone on this ad account who can read reports
          </label>
          {shareable.map((m) => (
            <label key={m.user_id} className="check">
              <input type="checkbox" checked={shareUsers.includes(m.user_id!)} onChange={(e) => setShareUsers(e.target.checked ? [...shareUsers, m.user_id!] : shareUsers.filter((u) => u !== m.user_id))} />
              {`${m.username ?? m.email} (${m.email})`}
            </label>
          ))}
          {members.isSuccess && shareable.length === 0 && <p className="muted">No other members who can read reports; invite them in Settings.</p>}
        </fieldset>
        {save.isError && (
          <p role="alert" className="callout callout--error">
            {errorMessage(save.error)}
          </p>
        )}
        {notice && (
          <p role="status" className="callout callout--ok">
            {notice}
          </p>
        )}
        <div className="button-row">
          {opened && (
            <button type="submit" className="button button--primary" disabled={!definition || save.isPending}>
              Save changes
            </button>
          )}
          <button type={opened ? 'button' : 'submit'} className={opened ? 'button' : 'button button--primary'} disabled={!definition || save.isPending} onClick={opened ? () => submit('create')() : undefined}>
            {opened ? 'Save as new report' : 'Save report'}
          </button>
        </div>
        {!definition && <p className="muted">Run the report to save it.</p>}
      </form>
    </section>
  );
}
