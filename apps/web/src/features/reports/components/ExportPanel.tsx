import { useMutation, useQueries } from '@tanstack/react-query';
import { type ReportDefinition } from '@loupe/contracts';
import { type LoupeMetric } from '@loupe/metrics';
import { useId, useState } from 'react';
import { errorMessage } from '../../../lib/apiErrors';
import { exportPlan, METRIC_LABELS } from '../definition';
import { createAsyncReport, fetchAsyncReport } from '../api/reports';

interface Job {
  adAccountId: string;
  token: string;
}

const POLL_MS = 700;

/**
 * CSV export as a job: one Pinterest async report per ad account (an async report
 * belongs to one account, and each file states its currency), queued on the API, built
 * by the worker; the status's progress drives the bar, and each file's signed link
 * appears when it is ready.
 */
export function ExportPanel({ definition, accountNames, now }: { definition: ReportDefinition; accountNames: ReadonlyMap<string, string>; now: Date }) {
  const id = useId();
  const [jobs, setJobs] = useState<Job[]>([]);
  const plan = exportPlan(definition, now);
  const start = useMutation({
    mutationFn: async () => {
      if (!plan.ok) throw new Error(plan.reason);
      const created: Job[] = [];
      for (const request of plan.requests) {
        const answer = await createAsyncReport(request.adAccountId, request.body);
        created.push({ adAccountId: request.adAccountId, token: answer.token });
      }
      return created;
    },
    onMutate: () => setJobs([]),
    onSuccess: setJobs,
  });
  const statuses = useQueries({
    queries: jobs.map((job) => ({
      queryKey: ['ad-accounts', job.adAccountId, 'async-report', job.token],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchAsyncReport(job.adAccountId, job.token, signal),
      refetchInterval: (query: { state: { data?: { report_status: string } } }) => (query.state.data && query.state.data.report_status !== 'IN_PROGRESS' ? false : POLL_MS),
      // A FINISHED link is signed for minutes; it is not re-fetched behind the person's back.
      staleTime: Infinity,
    })),
  });
  const progress = jobs.length === 0 ? 0 : Math.round(statuses.reduce((sum, s) => sum + (s.data?.progress ?? (s.data?.report_status === 'FINISHED' ? 100 : 0)), 0) / jobs.length);
  const done = jobs.length > 0 && statuses.every((s) => s.data && s.data.report_status !== 'IN_PROGRESS');
  const failed = statuses.filter((s) => s.data && s.data.report_status !== 'IN_PROGRESS' && s.data.report_status !== 'FINISHED');
  const statusError = statuses.find((s) => s.isError)?.error;

  return (
    <section aria-labelledby={`${id}-title`} className="report-export">
      <h2 id={`${id}-title`}>Export CSV</h2>
      {!plan.ok ? (
        <p className="callout callout--warning">{plan.reason}</p>
      ) : (
        <>
          <p className="muted">
            {`One CSV per ad account (${plan.requests.length === 1 ? '1 file' : `${plan.requests.length} files`}), each in its account’s currency, built in the background.`}
            {plan.omittedMetrics.length > 0 && ` ${plan.omittedMetrics.map((m: LoupeMetric) => METRIC_LABELS[m]).join(', ')} ${plan.omittedMetrics.length === 1 ? 'is' : 'are'} not a Pinterest report column and ${plan.omittedMetrics.length === 1 ? 'is' : 'are'} left out; the files’ other columns can be summed and divided to get them.`}
          </p>
          <button type="button" className="button" disabled={start.isPending || (jobs.length > 0 && !done)} onClick={() => start.mutate()}>
            {jobs.length > 0 && done ? 'Export again' : 'Export CSV'}
          </button>
        </>
      )}
      {start.isError && (
        <p role="alert" className="callout callout--error">
          {errorMessage(start.error)}
        </p>
      )}
      {(start.isPending || jobs.length > 0) && (
        <div className="report-export__progress">
          <label htmlFor={`${id}-progress`}>{done ? 'Export finished' : 'Building the CSV…'}</label>
          <progress id={`${id}-progress`} max={100} value={done ? 100 : progress} aria-valuetext={`${done ? 100 : progress}%`}>
            {`${progress}%`}
          </progress>
          <span aria-hidden="true">{` ${done ? 100 : progress}%`}</span>
        </div>
      )}
      {statusError !== undefined && (
        <p role="alert" className="callout callout--error">
          {errorMessage(statusError)}
        </p>
      )}
      {failed.length > 0 && (
        <p role="alert" className="callout callout--error">
          {`${failed.length === 1 ? 'One file' : `${failed.length} files`} could not be built (${failed.map((s) => s.data!.report_status).join(', ')}). Export again.`}
        </p>
      )}
      {jobs.length > 0 && (
        <ul className="report-export__files" aria-label="CSV files">
          {jobs.map((job, i) => {
            const status = statuses[i]?.data;
            const name = accountNames.get(job.adAccountId) ?? job.adAccountId;
            return (
              <li key={job.token}>
                {status?.report_status === 'FINISHED' && status.url ? (
                  <a href={status.url} download={`loupe-report-${job.adAccountId}.csv`}>{`Download CSV · ${name}`}</a>
                ) : (
                  <span>{`${name}: ${status?.report_status === 'IN_PROGRESS' || !status ? `building (${status?.progress ?? 0}%)` : status.report_status.toLowerCase()}`}</span>
                )}
                {status?.size != null && <span className="muted">{` · ${Math.max(1, Math.round(status.size / 1024))} KB, link valid a few minutes`}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
