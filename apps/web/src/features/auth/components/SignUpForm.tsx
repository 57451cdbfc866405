import { CURRENCIES, signupBodySchema, type SignupResponse } from '@loupe/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { setSession } from '../../../lib/session';
import { signUp } from '../api/auth';
import { COMMON_COUNTRIES, browserTimeZone, TIMEZONES } from '../../ad-accounts/components/accountOptions';

const FIELDS = ['email', 'password', 'business_name', 'ad_account.name', 'ad_account.country', 'ad_account.currency', 'ad_account.timezone'];

export function SignUpForm({ onSignedUp }: { onSignedUp: (answer: SignupResponse) => void }) {
  const [form, setForm] = useState({
    email: '',
    password: '',
    business_name: '',
    account_name: '',
    country: 'US',
    currency: 'USD',
    timezone: browserTimeZone(),
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: event.target.value }));
    // A corrected field stops showing its old error; the others keep theirs until the next submit.
    const errorKey = { account_name: 'ad_account.name', country: 'ad_account.country', currency: 'ad_account.currency', timezone: 'ad_account.timezone' }[key as string] ?? key;
    setErrors((e) => (e[errorKey] ? { ...e, [errorKey]: undefined } : e));
  };
  const mutation = useMutation({
    mutationFn: signUp,
    onSuccess: (answer) => {
      setSession({ token: answer.access_token, userId: answer.user_id }, false);
      onSignedUp(answer);
    },
    onError: (error) => setErrors(apiFieldErrors(error, FIELDS)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = signupBodySchema.safeParse({
      email: form.email,
      password: form.password,
      business_name: form.business_name,
      ad_account: { name: form.account_name || form.business_name, country: form.country, currency: form.currency, timezone: form.timezone },
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data);
  };

  return (
    <form onSubmit={submit} noValidate className="form" aria-label="Create your account">
      <FormError message={errors._form} />
      <Field label="Work email" error={errors.email}>
        {(p) => <input {...p} type="email" autoComplete="email" value={form.email} onChange={set('email')} />}
      </Field>
      <Field label="Password" error={errors.password} hint="At least 10 characters.">
        {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
      </Field>
      <Field label="Business name" error={errors.business_name}>
        {(p) => <input {...p} autoComplete="organization" value={form.business_name} onChange={set('business_name')} />}
      </Field>
      <fieldset className="fieldset">
        <legend>Your first ad account</legend>
        <Field label="Ad account name" error={errors['ad_account.name']} hint="Defaults to the business name.">
          {(p) => <input {...p} value={form.account_name} onChange={set('account_name')} />}
        </Field>
        <div className="field-row">
          <Field label="Country" error={errors['ad_account.country']}>
            {(p) => (
              <select {...p} value={form.country} onChange={set('country')}>
                {COMMON_COUNTRIES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Currency" error={errors['ad_account.currency']} hint="Cannot be changed later.">
            {(p) => (
              <select {...p} value={form.currency} onChange={set('currency')}>
                {CURRENCIES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Timezone" error={errors['ad_account.timezone']} hint="Days, months and budgets are cut in it.">
          {(p) => (
            <select {...p} value={form.timezone} onChange={set('timezone')}>
              {TIMEZONES.map((tz) => (
                <option key={tz} value={tz}>
                  {tz}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
