import { Link, Navigate } from 'react-router';
import { useSession } from '../features/auth/hooks/useSession';

export function HomePage() {
  const session = useSession();
  if (session) return <Navigate to="/accounts" replace />;
  return (
    <section aria-labelledby="home-title" className="page">
      <title>Loupe</title>
      <h1 id="home-title">Loupe</h1>
      <p className="lede">
        Loupe is a self-hostable advertising platform for visual-discovery networks, in the manner of Pinterest Ads:
        advertisers run campaigns of promoted pins, and an auction decides which ads show.
      </p>
      <p className="cta-row">
        <Link to="/signup" className="button button--primary">
          Create an account
        </Link>
        <Link to="/signin" className="button">
          Sign in
        </Link>
      </p>
      <ul className="link-list">
        <li>
          <Link to="/status">System status</Link>
          <span> — whether this installation can reach PostgreSQL, Redis and ClickHouse.</span>
        </li>
        <li>
          <a href="/docs">API documentation</a>
          <span> — the REST API matches the Pinterest Ads API v5, so existing tooling works by changing the base URL.</span>
        </li>
      </ul>
    </section>
  );
}
