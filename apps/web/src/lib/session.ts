/**
 * The signed-in session: the bearer token the API issued at sign-in, and who it belongs to.
 *
 * The token lives in memory (what requests read) and is mirrored to Web Storage so a
 * reload does not sign the person out: sessionStorage by default (gone when the tab
 * closes), localStorage when they ticked "Keep me signed in" (shared by the browser's
 * tabs until sign-out or expiry). It is never put in a cookie, so the API needs no
 * CSRF defence for the dashboard; the price is that a script injected into the page
 * could read it, which React's escaping and the strict URL schemas of the API guard.
 */
export interface Session {
  token: string;
  userId: string;
}

const STORAGE_KEY = 'loupe.session';

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null | undefined;

function storages(): Storage[] {
  // Either may be missing or throw (private mode, storage disabled); the session then lives in memory only.
  const found: Storage[] = [];
  for (const pick of [() => window.sessionStorage, () => window.localStorage]) {
    try {
      const storage = pick();
      if (storage) found.push(storage);
    } catch {
      /* unavailable */
    }
  }
  return found;
}

function parse(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    return typeof value.token === 'string' && typeof value.userId === 'string' ? { token: value.token, userId: value.userId } : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  if (current === undefined) {
    current = null;
    for (const storage of storages()) {
      const found = parse(storage.getItem(STORAGE_KEY));
      if (found) {
        current = found;
        break;
      }
    }
  }
  return current;
}

export function setSession(session: Session, remember: boolean): void {
  for (const storage of storages()) storage.removeItem(STORAGE_KEY);
  const [sessionStore, localStore] = [safe(() => window.sessionStorage), safe(() => window.localStorage)];
  const target = remember ? localStore : sessionStore;
  try {
    target?.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    /* quota or disabled storage: memory only */
  }
  current = session;
  notify();
}

export function clearSession(): void {
  for (const storage of storages()) storage.removeItem(STORAGE_KEY);
  current = null;
  notify();
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tests start every case signed out. */
export function resetSessionForTests(): void {
  current = undefined;
}

function notify(): void {
  for (const listener of listeners) listener();
}

function safe<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
