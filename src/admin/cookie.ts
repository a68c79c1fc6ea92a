/**
 * @module The admin session cookie: written with every attribute that keeps it out of scripts
 * (HttpOnly), off plain HTTP (Secure), out of cross-site requests (SameSite=Strict) and away from
 * the public API (Path=/admin); read from the Cookie header by name. One cookie with a base64url
 * value needs no general cookie library.
 */

export const SESSION_COOKIE = 'aigate_admin';

const ATTRIBUTES = 'Path=/admin; HttpOnly; Secure; SameSite=Strict';

export const sessionCookie = (token: string, maxAgeSeconds: number) => `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeSeconds}; ${ATTRIBUTES}`;

/** Tells the browser to drop the cookie (logout). */
export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/** The session token from a Cookie header, if it carries one that looks like ours. */
export function sessionTokenFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(at + 1).trim();
    // Our tokens are 43 base64url characters; anything else never reaches the database.
    return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
  return undefined;
}
