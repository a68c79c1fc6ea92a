/**
 * @module Per-channel concurrency caps shared by every replica. A channel's calls in flight are
 * a sorted set of slot tokens scored by when they expire, not a counter: a replica that crashes
 * mid-call cannot release its slots, and an expiring token gives them back after the lease
 * instead of leaking them forever.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CALL_LEASE_MS, DEFAULT_KEY_PREFIX } from '../redis/connection.js';
import { failClosed } from '../redis/fail-closed.js';
import { clockArg, luaScript, NOW_MS } from '../redis/lua.js';
import type { ConcurrencyGate } from './concurrency-gate.js';

/** KEYS: the slot set. ARGV: now, limit, slot lease, token. Returns 1 if the token got a slot. */
const ACQUIRE = luaScript(`${NOW_MS}
local now = now_ms(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
-- The set outlives its newest slot by nothing: a channel nobody calls leaves no key behind.
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** KEYS: the slot set. ARGV: now. Returns the slots not yet expired. */
const IN_FLIGHT = luaScript(`${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], '(' .. now_ms(ARGV[1]), '+inf')
`);

export interface RedisConcurrencyGateOptions {
  /** How long a slot lives if its call never releases it (default 11 minutes, > any call). */
  slotTtlMs?: number;
  prefix?: string;
  /** Tests only: an injected clock. Otherwise Redis's TIME, which all replicas share. */
  now?: () => number;
}

/**
 * The interface releases by channel, not by slot, so each process remembers the tokens it took
 * per channel and gives back one of them; tokens of one channel are interchangeable. An
 * uncapped call (limit null) never touches Redis: nothing needs counting.
 * @throws GatewayError service_unavailable from any method that needs Redis when it cannot be reached.
 */
export function redisConcurrencyGate(client: Redis, options: RedisConcurrencyGateOptions = {}): ConcurrencyGate {
  const slotTtlMs = options.slotTtlMs ?? CALL_LEASE_MS;
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const keyOf = (channelId: string) => `${prefix}gate:${channelId}`;
  // null marks an uncapped acquisition, so its release does not give back a capped call's slot.
  const held = new Map<string, (string | null)[]>();
  const heldBy = (channelId: string) => {
    let tokens = held.get(channelId);
    if (!tokens) held.set(channelId, (tokens = []));
    return tokens;
  };
  return {
    async tryAcquire(channelId, limit) {
      if (limit === null) {
        heldBy(channelId).push(null);
        return true;
      }
      const token = randomUUID();
      const taken = await failClosed(() => ACQUIRE.run(client, [keyOf(channelId)], [clockArg(options.now), limit, slotTtlMs, token]));
      if (taken !== 1) return false;
      heldBy(channelId).push(token);
      return true;
    },
    async release(channelId) {
      const tokens = held.get(channelId);
      const token = tokens?.pop();
      if (tokens?.length === 0) held.delete(channelId);
      // If this fails the token stays in Redis until its lease runs out: a slot lost for a while.
      if (token) await failClosed(() => client.zrem(keyOf(channelId), token));
    },
    async inFlight(channelId) {
      // Capped calls are counted in Redis across replicas; uncapped ones only here, by this replica.
      const uncapped = (held.get(channelId) ?? []).filter((token) => token === null).length;
      return uncapped + Number(await failClosed(() => IN_FLIGHT.run(client, [keyOf(channelId)], [clockArg(options.now)])));
    },
  };
}
