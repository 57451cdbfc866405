import { Link, useNavigate } from 'react-router';
import { SignUpForm } from '../features/auth/components/SignUpForm';

export function SignUpPage() {
  const navigate = useNavigate();
  return (
    <section aria-labelledby="signup-title" className="page page--narrow">
      <title>Create your account · Loupe</title>
      <h1 id="signup-title">Create your account</h1>
      <p className="lede">Sign up, set up an ad account and launch your first campaign in minutes.</p>
      <SignUpForm onSignedUp={(answer) => void navigate(`/accounts/${answer.ad_account_id}/campaigns`, { replace: true })} />
      <p>
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}
