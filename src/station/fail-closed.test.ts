/**
 * The station with its shared limits on a Redis that cannot be reached: generation fails closed
 * (503 service_unavailable), nothing is held or charged, and no upstream is called.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redisCircuitBreakers } from '../channels/redis-circuit-breaker.js';
import { redisConcurrencyGate } from '../channels/redis-concurrency-gate.js';
import { redisRateLimiter } from '../rate-limit/redis-limiter.js';
import { closeRedis, createRedisClient } from '../redis/connection.js';
import { multipart } from '../../test/helpers/multipart.js';
import { countingProvider, testStation } from '../../test/helpers/test-app.js';
import { staticRouter } from '../channels/router.js';

describe('Redis unreachable', () => {
  it('refuses generation with 503 service_unavailable, charging nothing and calling no upstream', async () => {
    const down = createRedisClient('redis://127.0.0.1:1');
    const provider = countingProvider();
    const router = staticRouter([{ id: 'ch_a', name: 'a', provider, priority: 0, weight: 1, maxConcurrency: 4, timeoutMs: 10_000, models: null }]);
    const station = await testStation({ router, limiter: redisRateLimiter(down) });
    try {
      const { id, plaintext } = await station.key({ credits: '10' });
      const form = multipart({ prompt: 'a lighthouse' });
      const started = performance.now();
      const response = await station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType }, payload: form.body });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().name, 'service_unavailable');
      assert.equal(response.headers['retry-after'], '5');
      assert.ok(performance.now() - started < 1_000, 'refused fast, not after a long wait');
      assert.equal(provider.calls.length, 0);
      const key = (await station.store.keys.get(id))!;
      assert.deepEqual([key.balance, key.held, await station.store.credits.openHolds(id)], [10_000, 0, 0]);
    } finally {
      await station.close();
      await closeRedis(down);
    }
  });

  it('a channel cap or circuit on an unreachable Redis also fails closed, after the hold is released', async () => {
    const down = createRedisClient('redis://127.0.0.1:1');
    const provider = countingProvider();
    const router = staticRouter([{ id: 'ch_a', name: 'a', provider, priority: 0, weight: 1, maxConcurrency: 4, timeoutMs: 10_000, models: null }]);
    for (const shared of [{ gate: redisConcurrencyGate(down) }, { breakers: redisCircuitBreakers(down, { failures: 3, cooldownMs: 1000 }) }]) {
      const station = await testStation({ router, ...shared });
      try {
        const { id, plaintext } = await station.key({ credits: '10' });
        const form = multipart({ prompt: 'a lighthouse' });
        const response = await station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType }, payload: form.body });
        assert.equal(response.statusCode, 503);
        assert.equal(response.json().name, 'service_unavailable');
        assert.equal(provider.calls.length, 0);
        const key = (await station.store.keys.get(id))!;
        assert.deepEqual([key.balance, key.held, await station.store.credits.openHolds(id)], [10_000, 0, 0]);
      } finally {
        await station.close();
      }
    }
    await closeRedis(down);
  });
});
