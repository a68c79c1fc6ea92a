/**
 * @module The admission hooks of the public API, in the order routes declare them: the client
 * IP's rate limit (before anything else costs us), the key from the header (before the body is
 * read, spec §2), the key's own rate limit, then the declared body size.
 */
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { credentialFrom, hashSecret, looksLikeApiKey } from '../../auth/api-keys.js';
import type { Config } from '../../config/config.js';
import { payloadTooLarge, rateLimited, unauthorized } from '../../errors.js';
import type { RateLimiter } from '../../rate-limit/limiter.js';
import type { Store } from '../../store/store.js';

export interface GuardDeps {
  config: Config;
  store: Store;
  limiter: RateLimiter;
  now: () => number;
}

export function ipRateLimit({ config, limiter }: GuardDeps): onRequestHookHandler {
  return async function ipRateLimit(request: FastifyRequest) {
    const decision = await limiter.consume(`ip:${request.ip}`, config.ipRateLimit);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
  };
}

export function authenticate({ store, now }: GuardDeps): onRequestHookHandler {
  return async function authenticate(request: FastifyRequest) {
    const credential = credentialFrom(request.headers.authorization);
    if (!credential || !looksLikeApiKey(credential)) throw unauthorized();
    const key = await store.keys.findByHash(hashSecret(credential));
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now())) throw unauthorized();
    request.apiKey = key;
  };
}

export function keyRateLimit({ config, limiter }: GuardDeps): onRequestHookHandler {
  return async function keyRateLimit(request: FastifyRequest) {
    const key = request.apiKey;
    if (!key) throw unauthorized();
    const decision = await limiter.consume(`key:${key.id}`, key.rateLimit ?? config.keyRateLimit);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
  };
}

/** A declared length over the cap is refused before a byte is read; chunked bodies are counted while streaming. */
export function declaredBodyLimit({ config }: GuardDeps): onRequestHookHandler {
  return async function declaredBodyLimit(request: FastifyRequest) {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > config.bodyLimitBytes) throw payloadTooLarge();
  };
}
