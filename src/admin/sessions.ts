/**
 * @module Who may use the admin API: the admin token (from first start, stored as its SHA-256 in
 * settings) compared by hash in constant time, or an operator session. Login checks the password
 * (scrypt), is rate limited per client IP and per username, and mints a session whose token only
 * the cookie holds; the database keeps its hash, the CSRF token and the expiry.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashSecret, looksLikeAdminToken } from '../auth/api-keys.js';
import { rateLimited } from '../errors.js';
import type { RateLimiter } from '../rate-limit/limiter.js';
import type { Rate } from '../rate-limit/rate.js';
import { ADMIN_TOKEN_SETTING } from '../station/first-start.js';
import type { OperatorRecord, SessionRecord } from '../store/admin-store.js';
import type { Store } from '../store/store.js';
import { decoyHash, verifyPassword } from './password.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A guesser gets 10 tries a minute from one address, and 30 an hour at one account from anywhere. */
export const LOGIN_RATE_PER_IP: Rate = { points: 10, windowSeconds: 60 };
export const LOGIN_RATE_PER_USER: Rate = { points: 30, windowSeconds: 3600 };

export type AdminIdentity =
  | { kind: 'admin' }
  | { kind: 'operator'; operator: Pick<OperatorRecord, 'id' | 'username'>; session: SessionRecord };

export interface LoggedIn {
  /** Goes into the cookie only. */
  token: string;
  session: SessionRecord;
  operator: OperatorRecord;
}

/** Equal-length digests compared without an early exit. */
const sameDigest = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function adminSessions(deps: { store: Store; limiter: RateLimiter; now: () => number }) {
  const { store, limiter, now } = deps;
  return {
    async isAdminToken(token: string): Promise<boolean> {
      if (!looksLikeAdminToken(token)) return false;
      const stored = await store.settings.get(ADMIN_TOKEN_SETTING);
      return stored !== undefined && sameDigest(hashSecret(token), stored);
    },

    /** @returns undefined for a wrong username or password. @throws 429 once either limit is spent. */
    async login(username: string, password: string, ip: string): Promise<LoggedIn | undefined> {
      for (const [subject, rate] of [[`admin-login:ip:${ip}`, LOGIN_RATE_PER_IP], [`admin-login:user:${username}`, LOGIN_RATE_PER_USER]] as const) {
        const decision = await limiter.consume(subject, rate);
        if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
      }
      const operator = await store.operators.findByUsername(username);
      // An unknown name costs a full scrypt too, so response times do not list the accounts.
      const ok = await verifyPassword(password, operator?.passwordHash ?? (await decoyHash()));
      if (!operator || !ok) return undefined;
      const at = now();
      await store.sessions.removeExpired(at);
      const token = randomBytes(32).toString('base64url');
      const session = { idHash: hashSecret(token), operatorId: operator.id, csrfToken: randomBytes(32).toString('base64url'), createdAt: at, expiresAt: at + SESSION_TTL_MS };
      await store.sessions.create(session);
      return { token, session, operator };
    },

    async resolve(token: string): Promise<Extract<AdminIdentity, { kind: 'operator' }> | undefined> {
      const found = await store.sessions.find(hashSecret(token), now());
      return found && { kind: 'operator', operator: { id: found.operator.id, username: found.operator.username }, session: found.session };
    },

    /** Whether a request's x-csrf-token matches its session's, in constant time. */
    csrfMatches: (session: SessionRecord, header: string | undefined) => header !== undefined && sameDigest(hashSecret(header), hashSecret(session.csrfToken)),

    logout: (session: SessionRecord) => store.sessions.remove(session.idHash),
  };
}

export type AdminSessions = ReturnType<typeof adminSessions>;
