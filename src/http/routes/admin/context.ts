/**
 * @module What every admin route shares: its dependencies, who is asking (set by the auth hook in
 * index.ts before any handler runs), and the check for routes only the admin token may use.
 */
import type { FastifyRequest } from 'fastify';
import type { AdminIdentity, AdminSessions } from '../../../admin/sessions.js';
import type { CircuitBreakers } from '../../../channels/circuit-breaker.js';
import type { ConcurrencyGate } from '../../../channels/concurrency-gate.js';
import type { SecretBox } from '../../../channels/secret-box.js';
import type { Config } from '../../../config/config.js';
import { GatewayError, permissionDenied } from '../../../errors.js';
import type { RateLimiter } from '../../../rate-limit/limiter.js';
import type { Store } from '../../../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin scope's auth hook; null elsewhere. */
    admin: AdminIdentity | null;
  }
  interface FastifyContextConfig {
    /** Admin routes reachable without credentials (login only). */
    adminPublic?: boolean;
  }
}

export interface AdminDeps {
  config: Config;
  store: Store;
  /** Opens and seals channel credentials. */
  secrets: SecretBox;
  /** The station's limiter (Redis-backed across replicas): login attempts are counted on it. */
  limiter: RateLimiter;
  now: () => number;
  /** The generation routes' own breakers and gate: the channels page shows their live state. */
  breakers: CircuitBreakers;
  gate: ConcurrencyGate;
}

export interface AdminContext extends AdminDeps {
  sessions: AdminSessions;
}

export function identity(request: FastifyRequest): AdminIdentity {
  // The hook always sets it on non-public routes; a missing one is a wiring fault, never a pass.
  if (!request.admin) throw new GatewayError('unauthorized', ['authorization: not authenticated']);
  return request.admin;
}

/** Operators manage the station; only the admin token manages operators. */
export function requireAdminToken(request: FastifyRequest): void {
  if (identity(request).kind !== 'admin') throw permissionDenied('authorization: only the admin token may do this');
}

export const notFoundThing = (what: string, id: string) => new GatewayError('not_found', [`${what}: no ${what} ${id}`]);
