/**
 * @module The shared header: the page links (the current one marked for assistive technology)
 * and who is signed in, with the sign-out button.
 */
import { api } from '../api/client';
import { href } from '../lib/router';
import { PAGES } from '../pages';

export function Nav(props: { page: string; username: string; onSignedOut: () => void }) {
  const current = PAGES.some((p) => p.id === props.page) ? props.page : 'dashboard';
  const signOut = async () => {
    // Signed out locally whatever the station says: an expired session is signed out already.
    await api('DELETE', 'session').catch(() => undefined);
    props.onSignedOut();
  };
  return (
    <header class="top">
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <span class="brand">aigate</span>
      <nav aria-label="Console">
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={href(p.id)} aria-current={p.id === current ? 'page' : undefined}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <span class="who">
        Signed in as <strong>{props.username}</strong>{' '}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </span>
    </header>
  );
}
