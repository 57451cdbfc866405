import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { clearSession } from '../../../lib/session';
import { logOut } from '../api/auth';

/** Revokes the token on the API, then forgets it and every cached answer, whatever the API said. */
export function SignOutButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    try {
      await logOut();
    } catch {
      // An expired or already revoked token is signed out anyway.
    } finally {
      clearSession();
      queryClient.clear();
      setPending(false);
      await navigate('/signin', { replace: true });
    }
  };
  return (
    <button type="button" className="button button--quiet" onClick={() => void signOut()} disabled={pending}>
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
