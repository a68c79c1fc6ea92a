/**
 * @module Rate limiting behind a small interface, so the in-process limiter used by a single
 * station can be swapped for a shared one (Redis) when several replicas run. Windows are fixed,
 * as rate-limiter-flexible implements them.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Rate } from './rate.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends one request of `rate` for `subject` (a key id or an IP). */
  consume(subject: string, rate: Rate): Promise<LimitDecision>;
}

/** One limiter per distinct rate, since each key may carry its own. */
export function memoryRateLimiter(): RateLimiter {
  const limiters = new Map<string, RateLimiterMemory>();
  const limiterFor = (rate: Rate) => {
    const id = `${rate.points}/${rate.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: rate.points, duration: rate.windowSeconds, keyPrefix: id });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    async consume(subject, rate) {
      try {
        await limiterFor(rate).consume(subject);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.ceil(rejection.msBeforeNext / 1000) };
        throw rejection;
      }
    },
  };
}
