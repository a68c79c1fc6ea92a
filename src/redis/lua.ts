/**
 * @module Lua scripts run atomically in Redis, so a read-decide-write (is a slot free? take it)
 * cannot interleave with another replica's. Sent by SHA, with the source only when Redis has
 * not seen it yet (after a restart or a SCRIPT FLUSH).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * `now_ms(arg)`: the clock every script reads. A number passed by the caller (a test's injected
 * clock) wins; otherwise Redis's own TIME, the one clock all replicas agree on.
 */
export const NOW_MS = `
local function now_ms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

export interface LuaScript {
  run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/** The argument that stands for "use Redis's clock" when no clock was injected. */
export const clockArg = (now: (() => number) | undefined) => (now ? String(now()) : '');
