import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../features/auth/hooks/useSession';

/** Screens below need a signed-in person; others are sent to sign-in and brought back afterwards. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
