import { Suspense } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration } from 'react-router';
import { SignOutButton } from '../features/auth/components/SignOutButton';
import { useSession } from '../features/auth/hooks/useSession';

export function AppLayout() {
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="container app-header__inner">
          <Link to={session ? '/accounts' : '/'} className="brand">
            Loupe
          </Link>
          <nav aria-label="Main">
            <ul className="nav-list">
              {session ? (
                <li>
                  <NavLink to="/accounts" end className="nav-link">
                    Ad accounts
                  </NavLink>
                </li>
              ) : (
                <li>
                  <NavLink to="/" end className="nav-link">
                    Home
                  </NavLink>
                </li>
              )}
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
              {session ? (
                <li>
                  <SignOutButton />
                </li>
              ) : (
                <li>
                  <NavLink to="/signin" className="nav-link">
                    Sign in
                  </NavLink>
                </li>
              )}
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
