import { Suspense } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration } from 'react-router';

export function AppLayout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="container app-header__inner">
          <Link to="/" className="brand">
            Loupe
          </Link>
          <nav aria-label="Main">
            <ul className="nav-list">
              <li>
                <NavLink to="/" end className="nav-link">
                  Home
                </NavLink>
              </li>
              <li>
                <NavLink to="/status" className="nav-link">
                  System status
                </NavLink>
              </li>
              <li>
                {/* Served by the API, outside this single-page app. */}
                <a href="/docs" className="nav-link">
                  API docs
                </a>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="container app-main">
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
      <ScrollRestoration />
    </>
  );
}

function PageLoading() {
  return (
    <p role="status" className="page-loading">
      Loading…
    </p>
  );
}
