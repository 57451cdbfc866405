import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { SignInForm } from '../features/auth/components/SignInForm';
import { useSession } from '../features/auth/hooks/useSession';

/** Only same-app paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/accounts';
}

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  if (session) return <Navigate to={next} replace />;
  return (
    <section aria-labelledby="signin-title" className="page page--narrow">
      <title>Sign in · Loupe</title>
      <h1 id="signin-title">Sign in</h1>
      <SignInForm onSignedIn={() => void navigate(next, { replace: true })} />
      <p>
        New to Loupe? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}
