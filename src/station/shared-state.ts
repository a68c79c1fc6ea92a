/**
 * @module Where rate limits, concurrency caps and circuit state live: in this process (one
 * station), or in Redis when REDIS_URL is set, so that they hold across replicas.
 */
import type { CircuitBreakers } from '../channels/circuit-breaker.js';
import { memoryCircuitBreakers } from '../channels/circuit-breaker.js';
import { memoryConcurrencyGate, type ConcurrencyGate } from '../channels/concurrency-gate.js';
import type { Config } from '../config/config.js';
import { memoryRateLimiter, type RateLimiter } from '../rate-limit/limiter.js';

export interface SharedState {
  limiter: RateLimiter;
  gate: ConcurrencyGate;
  breakers: CircuitBreakers;
  /** Readiness (/readyz) asks Redis for PING through this; absent when Redis is not configured. */
  redisPing?: () => Promise<unknown>;
  close(): Promise<void>;
}

/** @throws when REDIS_URL is set but Redis does not answer at start-up: a replica must not start without it. */
export async function sharedState(config: Config, onRedisError: (error: Error) => void): Promise<SharedState> {
  const breakerOptions = { failures: config.circuitFailures, cooldownMs: config.circuitCooldownSeconds * 1000 };
  if (!config.redisUrl) {
    return { limiter: memoryRateLimiter(), gate: memoryConcurrencyGate(), breakers: memoryCircuitBreakers(breakerOptions), close: async () => {} };
  }
  const { redisSharedState } = await import('./redis-state.js');
  return redisSharedState(config.redisUrl, config.redisPrefix, breakerOptions, onRedisError);
}
