/**
 * @module The console's shell: asks the station who is signed in (the cookie is HttpOnly, so only
 * the station can tell), shows the sign-in page until someone is, then the navigation and the
 * page the hash names. Any 401 from the admin API lands back on the sign-in page, keeping the
 * hash so the operator returns where they were.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, onUnauthorized, setCsrfToken } from './api/client';
import type { Session } from './api/types';
import { Nav } from './components/nav';
import { forgetKeys } from './lib/key-memory';
import { useRoute } from './lib/router';
import { PageFor } from './pages';
import { SignIn } from './pages/sign-in';

type SignedIn = { username: string };

export function App() {
  const [who, setWho] = useState<SignedIn | null | 'checking'>('checking');
  const route = useRoute();

  const signedIn = (session: Session) => {
    setCsrfToken(session.csrf_token ?? null);
    setWho({ username: session.operator?.username ?? 'admin' });
  };
  const signedOut = () => {
    setCsrfToken(null);
    forgetKeys();
    setWho(null);
  };

  useEffect(() => {
    onUnauthorized(signedOut);
    api<Session>('GET', 'session').then(signedIn, signedOut);
  }, []);

  if (who === 'checking') return <p class="loading">Loading…</p>;
  if (who === null) return <SignIn onSignedIn={signedIn} />;
  return (
    <>
      <Nav page={route.page} username={who.username} onSignedOut={signedOut} />
      <main id="main" tabIndex={-1}>
        <PageFor route={route} />
      </main>
    </>
  );
}
