import { adAccountUpdateBodySchema } from '@loupe/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { formatDate } from '../../../lib/format';
import { TIMEZONES } from '../../ad-accounts/components/accountOptions';
import { adAccountsQueryKey, updateAdAccount } from '../../ad-accounts/api/adAccounts';
import { useCurrentAccount } from '../../ad-accounts/hooks/useAdAccounts';

/** Name and timezone (admins may change them); the currency is shown and never changes. */
export function AccountDetails() {
  const { account, can } = useCurrentAccount();
  const queryClient = useQueryClient();
  const [name, setName] = useState(account.name);
  const [timezone, setTimezone] = useState(account.timezone);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const mutation = useMutation({
    mutationFn: (body: { name?: string; timezone?: string }) => updateAdAccount(account.id, body),
    onSuccess: async () => {
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: adAccountsQueryKey });
    },
    onError: (error) => setErrors(apiFieldErrors(error, ['name', 'timezone'])),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const parsed = adAccountUpdateBodySchema.safeParse({ name, timezone });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    mutation.mutate({ name, timezone });
  };
  return (
    <section aria-labelledby="account-details-title" className="panel">
      <h2 id="account-details-title">Ad account</h2>
      <dl className="review-list">
        <dt>Currency</dt>
        <dd>{`${account.currency} — every budget, bid and invoice of this account is in it; it cannot change.`}</dd>
        <dt>Country</dt>
        <dd>{account.country}</dd>
        <dt>Owner</dt>
        <dd>{account.owner.username}</dd>
        <dt>Created</dt>
        <dd>{formatDate(account.created_time, account.timezone)}</dd>
        <dt>Id</dt>
        <dd>
          <code>{account.id}</code>
        </dd>
      </dl>
      {can.canEditAccount ? (
        <form onSubmit={submit} noValidate className="form" aria-label="Edit ad account">
          <FormError message={errors._form} />
          <Field label="Name" error={errors.name}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Timezone" error={errors.timezone} hint="Days, months and quarters of budgets and reports are cut in it.">
            {(p) => (
              <select {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)}>
                {TIMEZONES.map((tz) => (
                  <option key={tz}>{tz}</option>
                ))}
              </select>
            )}
          </Field>
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={mutation.isPending}>
              Save
            </button>
            {saved && (
              <span role="status" className="muted">
                Saved.
              </span>
            )}
          </div>
        </form>
      ) : (
        <p className="muted">{`Name: ${account.name} · Timezone: ${account.timezone}. Only admins can change them.`}</p>
      )}
    </section>
  );
}
