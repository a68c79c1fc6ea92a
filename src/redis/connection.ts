/**
 * @module The ioredis client behind REDIS_URL, tuned to fail fast: with no offline queue a
 * command sent while Redis is down rejects at once instead of waiting for a reconnect that may
 * never come, and a command Redis does not answer times out. Callers turn either into a 503
 * (src/redis/fail-closed.ts). Reconnection carries on in the background, so the station heals
 * by itself when Redis comes back.
 */
import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * How long a concurrency slot or a circuit probe is held without its call ending: longer than
 * the longest call (a channel times out after at most 10 minutes, decision 40), so a live call
 * never loses its slot, and a replica that died mid-call frees it within a minute after that.
 */
export const CALL_LEASE_MS = 11 * 60_000;

/** Every key the station writes starts with this, so Redis can be shared with other tenants. */
export const DEFAULT_KEY_PREFIX = 'aigate:';

export interface RedisClientOptions {
  /** Told about connection errors (the operator's log); ioredis prints them to stderr otherwise. */
  onError?: (error: Error) => void;
  /** Overrides for tests (e.g. a shorter commandTimeout). */
  overrides?: RedisOptions;
}

export const FAIL_FAST_OPTIONS = {
  // A half-open TCP connect (packets dropped) is abandoned after this long, then retried.
  connectTimeout: 2_000,
  // A rate-limit check takes well under a millisecond at Redis, but the reply is read by this
  // process's event loop: on a busy replica that alone can lag for hundreds of milliseconds, and
  // a 500 ms limit failed healthy requests closed in the replica test. Two seconds still refuses
  // quickly when Redis is really gone.
  commandTimeout: 2_000,
  // Commands in flight when the connection drops fail at once: resending an INCR or a slot
  // acquisition after a reconnect could count it twice.
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  // Keep trying, backing off to one attempt every two seconds.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
} satisfies RedisOptions;

/** Starts connecting and returns at once; commands fail (fast) until the connection is ready. */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, { ...FAIL_FAST_OPTIONS, ...options.overrides });
  client.on('error', options.onError ?? (() => {}));
  return client;
}

/**
 * Connects and waits until Redis answers, so a wrong REDIS_URL stops start-up with a clear error
 * instead of turning every request into a 503.
 */
export async function openRedis(url: string, options: RedisClientOptions = {}): Promise<Redis> {
  const client = createRedisClient(url, { ...options, overrides: { ...options.overrides, lazyConnect: true } });
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis (REDIS_URL): ${(error as Error).message}`, { cause: error });
  }
}

/** Quits politely when connected, and in any case stops reconnecting. Safe to call twice. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
    } catch {
      // Redis went away while quitting: disconnecting below is all that is left to do.
    }
  }
  if (client.status === 'end') return;
  const ended = once(client, 'end', { signal: AbortSignal.timeout(1_000) }).catch(() => {});
  client.disconnect();
  // Between two attempts there is no socket left to close, so no 'end' comes: cancelling the
  // next attempt, which disconnect() did, was all there was to do.
  if (client.status !== 'reconnecting') await ended;
}
