/**
 * @module The rate limiter shared by every replica: rate-limiter-flexible's RateLimiterRedis,
 * with the same fixed windows and Retry-After as the in-memory one. No insurance limiter: when
 * Redis cannot be reached the request is refused (503), since a per-process fallback would
 * multiply every limit by the number of replicas.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DEFAULT_KEY_PREFIX } from '../redis/connection.js';
import { failClosed } from '../redis/fail-closed.js';
import type { RateLimiter } from './limiter.js';
import type { Rate } from './rate.js';

export interface RedisRateLimiterOptions {
  /** Prepended to every key (default `aigate:`); tests give each run its own. */
  prefix?: string;
}

/**
 * One limiter per distinct rate, like the memory version.
 * @throws GatewayError service_unavailable from `consume` when Redis cannot be reached.
 */
export function redisRateLimiter(client: Redis, options: RedisRateLimiterOptions = {}): RateLimiter {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterFor = (rate: Rate) => {
    const id = `${rate.points}/${rate.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: client,
        useRedisPackage: false,
        // Do not even try while disconnected; the client would refuse anyway.
        rejectIfRedisNotReady: true,
        points: rate.points,
        duration: rate.windowSeconds,
        keyPrefix: `${prefix}rl:${id}`,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    consume: (subject, rate) =>
      failClosed(async () => {
        try {
          await limiterFor(rate).consume(subject);
          return { allowed: true };
        } catch (rejection) {
          // A RateLimiterRes is a refusal; anything else is Redis failing, left to failClosed.
          if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
          throw rejection;
        }
      }),
  };
}
