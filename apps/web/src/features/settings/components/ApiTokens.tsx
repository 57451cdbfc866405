import { apiTokenCreateBodySchema, type ApiTokenCreated } from '@loupe/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { EmptyState, ErrorState, Skeleton } from '../../../components/States';
import { errorMessage } from '../../../lib/apiErrors';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { formatDate } from '../../../lib/format';
import { useCurrentAccount } from '../../ad-accounts/hooks/useAdAccounts';
import { createToken, fetchTokens, revokeToken, tokensQueryKey } from '../api/settings';

/** The person's API tokens for integrations: the secret is shown once, at creation. */
export function ApiTokens() {
  const { account } = useCurrentAccount();
  const queryClient = useQueryClient();
  const { data, error, refetch } = useQuery({ queryKey: tokensQueryKey, queryFn: ({ signal }) => fetchTokens(signal) });
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
    onError: (e) => setRevokeError(errorMessage(e)),
  });
  const tz = account.timezone;
  return (
    <section aria-labelledby="tokens-title" className="panel">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">
        For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code> to the API. Tokens act as you on every ad account you can
        reach.
      </p>
      {created && (
        <div role="status" className="callout callout--ok">
          <p>
            <strong>{`Token "${created.name}" created.`}</strong> Copy it now: it is shown only once.
          </p>
          <p>
            <code className="secret" aria-label="New API token">
              {created.token}
            </code>
          </p>
          <div className="button-row">
            <button type="button" className="button button--small" onClick={() => void navigator.clipboard?.writeText(created.token)}>
              Copy
            </button>
            <button type="button" className="button button--small" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          </div>
        </div>
      )}
      {revokeError && (
        <div role="alert" className="callout callout--error">
          <p>{revokeError}</p>
        </div>
      )}
      {data === undefined ? (
        error ? (
          <ErrorState title="Could not load your API tokens" error={error} onRetry={() => void refetch()} />
        ) : (
          <Skeleton label="Loading API tokens…" />
        )
      ) : data.length === 0 ? (
        <EmptyState title="No API tokens">
          <p>Create one below to let a script or integration use the API as you.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{formatDate(token.created_time, tz)}</td>
                  <td>{token.expires_time === null ? 'Never' : formatDate(token.expires_time, tz)}</td>
                  <td>{token.last_used_time === null ? 'Never' : formatDate(token.last_used_time, tz)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => {
                        setRevokeError(null);
                        if (window.confirm(`Revoke "${token.name}"? Integrations using it stop working at once.`)) revoke.mutate(token.id);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateTokenForm
        onCreated={(token) => {
          setCreated(token);
          void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
        }}
      />
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (token: ApiTokenCreated) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: createToken,
    onSuccess: (token) => {
      setName('');
      onCreated(token);
    },
    onError: (error) => setErrors(apiFieldErrors(error, ['name', 'expires_in_days'])),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = apiTokenCreateBodySchema.safeParse({ name, expires_in_days: days === '' ? undefined : Number(days) });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    mutation.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="form form--inline" aria-label="Create an API token">
      <h3>Create a token</h3>
      <FormError message={errors._form} />
      <div className="field-row">
        <Field label="Name" error={errors.name} hint="What uses it, e.g. “Nightly export”.">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Expires after" error={errors.expires_in_days}>
          {(p) => (
            <select {...p} value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="30">30 days</option>
              <option value="90">90 days</option>
              <option value="365">1 year</option>
              <option value="">Never (revoke it when done)</option>
            </select>
          )}
        </Field>
      </div>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        Create token
      </button>
    </form>
  );
}
