/**
 * @module Circuit breakers shared by every replica, with the memory version's semantics: a hash
 * per channel (failures, openedAt, probeUntil), every transition one Lua script so two replicas
 * cannot both take the one probe. The probe is a lease, not a flag: a replica that dies
 * mid-probe would otherwise keep the channel half-open and unused forever.
 */
import type { Redis } from 'ioredis';
import { CALL_LEASE_MS, DEFAULT_KEY_PREFIX } from '../redis/connection.js';
import { failClosed } from '../redis/fail-closed.js';
import { clockArg, luaScript, NOW_MS } from '../redis/lua.js';
import type { CircuitBreakers, CircuitState } from './circuit-breaker.js';

/** KEYS: the circuit. ARGV: op, now, failures to open, cool-down, probe lease (all ms). */
const CIRCUIT = luaScript(`${NOW_MS}
local key, op = KEYS[1], ARGV[1]
if op == 'success' then
  -- Closed with no failures is the same as no state at all.
  redis.call('DEL', key)
  return 'closed'
end
local now = now_ms(ARGV[2])
local threshold, cooldown, lease = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local opened = tonumber(redis.call('HGET', key, 'openedAt'))
local probe_until = tonumber(redis.call('HGET', key, 'probeUntil'))
local probing = probe_until ~= nil and probe_until > now
local cooled = opened ~= nil and now - opened >= cooldown
if op == 'allow' then
  if opened == nil then return 1 end
  if not cooled or probing then return 0 end
  redis.call('HSET', key, 'probeUntil', now + lease)
  return 1
elseif op == 'failure' then
  local failures = redis.call('HINCRBY', key, 'failures', 1)
  if probing or failures >= threshold then redis.call('HSET', key, 'openedAt', now) end
  redis.call('HDEL', key, 'probeUntil')
  return 1
elseif op == 'abandon' then
  redis.call('HDEL', key, 'probeUntil')
  return 1
elseif op == 'state' then
  if opened == nil then return 'closed' end
  if probing or cooled then return 'half_open' end
  return 'open'
end
return redis.error_reply('unknown circuit operation ' .. op)
`);

export interface RedisCircuitBreakerOptions {
  failures: number;
  cooldownMs: number;
  /** Tests only: an injected clock. Otherwise Redis's TIME, which all replicas share. */
  now?: () => number;
  /**
   * How long a probe holds the channel if its replica never reports back (default 11 minutes).
   * Longer than any call, so a slow probe that is still running is never joined by a second.
   */
  probeLeaseMs?: number;
  prefix?: string;
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

/** @throws GatewayError service_unavailable from every method when Redis cannot be reached. */
export function redisCircuitBreakers(client: Redis, options: RedisCircuitBreakerOptions): CircuitBreakers {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const lease = options.probeLeaseMs ?? CALL_LEASE_MS;
  const run = (op: string, channelId: string) =>
    failClosed(() => CIRCUIT.run(client, [`${prefix}circuit:${channelId}`], [op, clockArg(options.now), options.failures, options.cooldownMs, lease]));
  return {
    allow: async (id) => (await run('allow', id)) === 1,
    success: async (id) => void (await run('success', id)),
    failure: async (id) => void (await run('failure', id)),
    abandon: async (id) => void (await run('abandon', id)),
    async state(id) {
      const state = await run('state', id);
      const known = STATES.find((s) => s === state);
      if (!known) throw new Error(`unexpected circuit state from Redis: ${String(state)}`);
      return known;
    },
  };
}
