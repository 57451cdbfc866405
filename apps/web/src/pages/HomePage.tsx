import { Link } from 'react-router';

export function HomePage() {
  return (
    <section aria-labelledby="home-title" className="page">
      <title>Loupe</title>
      <h1 id="home-title">Loupe</h1>
      <p className="lede">
        Loupe is a self-hostable advertising platform for visual-discovery networks, in the manner of Pinterest Ads:
        advertisers run campaigns of promoted pins, and an auction decides which ads show.
      </p>
      <p className="lede">
        This dashboard is where advertisers, account managers and finance teams will see what their money did, and
        the REST API is designed to match the Pinterest Ads API v5, so existing tooling works by changing the base URL.
      </p>
      <div className="callout">
        <p>
          Sign-in arrives with accounts, in a coming release. Until then this dashboard shows the health of this
          installation.
        </p>
      </div>
      <ul className="link-list">
        <li>
          <Link to="/status">System status</Link>
          <span> — whether this installation can reach PostgreSQL, Redis and ClickHouse.</span>
        </li>
        <li>
          <a href="/docs">API documentation</a>
          <span> — the endpoints the API serves today.</span>
        </li>
      </ul>
    </section>
  );
}
