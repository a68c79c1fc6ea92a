/**
 * @module The Redis circuit breakers: the shared contract on an injected clock, then what only a
 * shared store can do: two replicas (two clients) see one circuit and share its single probe.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { redisFixture, redisOrSkip, type RedisFixture } from '../../test/helpers/redis.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import { COOLDOWN, FAILURES, runCircuitBreakerSuite } from './circuit-breaker-suite.js';
import { redisCircuitBreakers } from './redis-circuit-breaker.js';

const target = await redisOrSkip();

describe('redisCircuitBreakers', { skip: target.skip }, () => {
  let fx: RedisFixture;
  let tests = 0;
  /** A fresh key space per test, under the fixture's prefix so one sweep cleans up. */
  const freshPrefix = () => `${fx.prefix}${(tests += 1)}:`;
  before(async () => {
    fx = await redisFixture(target.url, 'circuit');
  });
  after(() => fx?.close());

  runCircuitBreakerSuite('shared contract', (options) => redisCircuitBreakers(fx.replicas[0], { ...options, prefix: freshPrefix() }));

  describe('across replicas', () => {
    const LEASE = 10 * 60_000;
    let clock: number;
    let one: CircuitBreakers;
    let two: CircuitBreakers;
    beforeEach(() => {
      clock = 5_000_000;
      const options = { failures: FAILURES, cooldownMs: COOLDOWN, probeLeaseMs: LEASE, now: () => clock, prefix: freshPrefix() };
      one = redisCircuitBreakers(fx.replicas[0], options);
      two = redisCircuitBreakers(fx.replicas[1], options);
    });
    const openOn = async (breakers: CircuitBreakers) => {
      for (let i = 0; i < FAILURES; i += 1) await breakers.failure('a');
    };

    it('counts failures from both replicas, and an open circuit is open for both', async () => {
      await one.failure('a');
      await two.failure('a');
      assert.equal(await one.state('a'), 'closed');
      await one.failure('a');
      assert.equal(await two.state('a'), 'open');
      assert.equal(await two.allow('a'), false);
    });

    it('gives the one probe to exactly one replica, however many ask at once', async () => {
      await openOn(one);
      clock += COOLDOWN;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).allow('a')));
      assert.equal(answers.filter(Boolean).length, 1);
    });

    it("closes for every replica on one replica's successful probe", async () => {
      await openOn(two);
      clock += COOLDOWN;
      assert.equal(await one.allow('a'), true);
      await one.success('a');
      assert.equal(await two.state('a'), 'closed');
      assert.equal(await two.allow('a'), true);
    });

    it('re-opens for every replica when the probe fails', async () => {
      await openOn(one);
      clock += COOLDOWN;
      assert.equal(await two.allow('a'), true);
      await two.failure('a');
      assert.equal(await one.state('a'), 'open');
      clock += COOLDOWN - 1;
      assert.equal(await one.allow('a'), false);
    });

    it('hands the probe of a replica that died mid-probe to another once its lease runs out', async () => {
      await openOn(one);
      clock += COOLDOWN;
      assert.equal(await one.allow('a'), true, 'replica one probes, then dies without a verdict');
      clock += LEASE - 1;
      assert.equal(await two.allow('a'), false, 'the probe might still be running');
      assert.equal(await two.state('a'), 'half_open');
      clock += 1;
      assert.equal(await two.allow('a'), true, 'the lease ran out: replica two probes');
      assert.equal(await one.allow('a'), false, 'and only replica two');
    });
  });
});
