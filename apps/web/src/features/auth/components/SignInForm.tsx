import { loginBodySchema } from '@loupe/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { setSession } from '../../../lib/session';
import { logIn } from '../api/auth';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: logIn,
    onSuccess: (token) => {
      setSession({ token: token.access_token, userId: token.user_id }, remember);
      onSignedIn();
    },
    onError: (error) => setErrors(apiFieldErrors(error, ['email', 'password'])),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = loginBodySchema.safeParse({ email, password });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data);
  };

  return (
    <form onSubmit={submit} noValidate className="form" aria-label="Sign in">
      <FormError message={errors._form} />
      <Field label="Email" error={errors.email}>
        {(p) => <input {...p} type="email" autoComplete="email" value={email} onChange={(e) => {
              setEmail(e.target.value);
              setErrors((x) => ({ ...x, email: undefined }));
            }} />}
      </Field>
      <Field label="Password" error={errors.password}>
        {(p) => <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => {
              setPassword(e.target.value);
              setErrors((x) => ({ ...x, password: undefined }));
            }} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Keep me signed in on this device
      </label>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
