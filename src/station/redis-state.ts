/**
 * @module The Redis side of sharedState: imported only when REDIS_URL is set, so a single
 * station never loads the Redis client (it costs memory for good once loaded).
 */
import { redisCircuitBreakers } from '../channels/redis-circuit-breaker.js';
import { redisConcurrencyGate } from '../channels/redis-concurrency-gate.js';
import { redisRateLimiter } from '../rate-limit/redis-limiter.js';
import { closeRedis, openRedis } from '../redis/connection.js';
import type { SharedState } from './shared-state.js';

export async function redisSharedState(url: string, prefix: string, breakerOptions: { failures: number; cooldownMs: number }, onRedisError: (error: Error) => void): Promise<SharedState> {
  const client = await openRedis(url, { onError: onRedisError });
  return {
    limiter: redisRateLimiter(client, { prefix }),
    gate: redisConcurrencyGate(client, { prefix }),
    breakers: redisCircuitBreakers(client, { ...breakerOptions, prefix }),
    redisPing: () => client.ping(),
    close: () => closeRedis(client),
  };
}
