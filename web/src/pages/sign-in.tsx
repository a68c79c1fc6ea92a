/**
 * @module Sign-in: username and password to POST /admin/api/session, which sets the HttpOnly
 * session cookie and answers the CSRF token the console then sends on every change. A wrong
 * password (401) or too many tries (429) is shown from the API's `errors[]`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import type { Session } from '../api/types';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { asApiError } from '../lib/use-load';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = 'Sign in · aigate console';
    heading.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<Session>('POST', 'session', { username, password }, { signIn: true }));
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1} ref={heading}>
        Sign in to aigate
      </h1>
      <form onSubmit={submit} aria-describedby="sign-in-note">
        <Field label="Username" value={username} onInput={setUsername} required autoComplete="username" />
        <Field label="Password" type="password" value={password} onInput={setPassword} required autoComplete="current-password" />
        <ErrorList error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p id="sign-in-note" class="hint">
        Operator accounts are made with the admin token (POST /admin/api/operators).
      </p>
    </main>
  );
}
