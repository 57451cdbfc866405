import { adAccountCreateBodySchema, CURRENCIES, type AdAccount } from '@loupe/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { adAccountsQueryKey, createAdAccount } from '../api/adAccounts';
import { browserTimeZone, COMMON_COUNTRIES, TIMEZONES } from './accountOptions';

export function CreateAdAccountForm({ onCreated }: { onCreated: (account: AdAccount) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', country: 'US', currency: 'USD', timezone: browserTimeZone() });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));
  const mutation = useMutation({
    mutationFn: createAdAccount,
    onSuccess: async (account) => {
      await queryClient.invalidateQueries({ queryKey: adAccountsQueryKey });
      onCreated(account);
    },
    onError: (error) => setErrors(apiFieldErrors(error, ['name', 'country', 'currency', 'timezone'])),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = adAccountCreateBodySchema.safeParse(form);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    mutation.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="form" aria-label="Create ad account">
      <FormError message={errors._form} />
      <Field label="Ad account name" error={errors.name}>
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <div className="field-row">
        <Field label="Country" error={errors.country}>
          {(p) => (
            <select {...p} value={form.country} onChange={set('country')}>
              {COMMON_COUNTRIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Currency" error={errors.currency} hint="All budgets, bids and invoices are in it; it never changes.">
          {(p) => (
            <select {...p} value={form.currency} onChange={set('currency')}>
              {CURRENCIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Timezone" error={errors.timezone} hint="Days, months and quarters are cut in it.">
        {(p) => (
          <select {...p} value={form.timezone} onChange={set('timezone')}>
            {TIMEZONES.map((tz) => (
              <option key={tz}>{tz}</option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating…' : 'Create ad account'}
      </button>
    </form>
  );
}
