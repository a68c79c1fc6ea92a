/**
 * @module Hash routing (`#/keys`, `#/credits/key_123`): the station serves one index.html and
 * needs no fallback routes, and the browser's back button works without a router library.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** The first segment: `keys` for `#/keys`. */
  page: string;
  /** The rest, decoded: `['key_123']` for `#/credits/key_123`. */
  params: string[];
}

export function parseHash(hash: string): Route {
  const [page = '', ...params] = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  return { page, params: params.map((p) => decodeURIComponent(p)) };
}

export const href = (page: string, ...params: string[]) => `#/${[page, ...params.map(encodeURIComponent)].join('/')}`;

export function navigate(page: string, ...params: string[]): void {
  location.hash = href(page, ...params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
