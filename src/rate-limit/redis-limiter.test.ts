/**
 * @module The Redis rate limiter: the memory limiter's behaviour, and one budget shared exactly
 * by two replicas (two clients).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { redisFixture, redisOrSkip, type RedisFixture } from '../../test/helpers/redis.js';
import type { RateLimiter } from './limiter.js';
import { redisRateLimiter } from './redis-limiter.js';

const target = await redisOrSkip();

describe('redisRateLimiter', { skip: target.skip }, () => {
  let fx: RedisFixture;
  let tests = 0;
  let one: RateLimiter;
  let two: RateLimiter;
  before(async () => {
    fx = await redisFixture(target.url, 'limiter');
  });
  after(() => fx?.close());
  beforeEach(() => {
    const prefix = `${fx.prefix}${(tests += 1)}:`;
    one = redisRateLimiter(fx.replicas[0], { prefix });
    two = redisRateLimiter(fx.replicas[1], { prefix });
  });

  it('allows N requests in the window, then denies with retryAfterSeconds in [1, window]', async () => {
    const rate = { points: 3, windowSeconds: 10 };
    for (let i = 0; i < 3; i++) assert.deepEqual(await one.consume('key:a', rate), { allowed: true }, `request ${i + 1}`);
    for (let i = 0; i < 2; i++) {
      const denied = await one.consume('key:a', rate);
      assert.ok(!denied.allowed && Number.isInteger(denied.retryAfterSeconds), 'a whole number of seconds');
      assert.ok(denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 10, JSON.stringify(denied));
    }
  });

  it('counts each subject on its own and keeps different rates apart', async () => {
    const two60 = { points: 2, windowSeconds: 60 };
    const one30 = { points: 1, windowSeconds: 30 };
    assert.equal((await one.consume('ip:1.1.1.1', two60)).allowed, true);
    assert.equal((await one.consume('ip:1.1.1.1', two60)).allowed, true);
    assert.equal((await one.consume('ip:1.1.1.1', two60)).allowed, false);
    assert.equal((await one.consume('ip:2.2.2.2', two60)).allowed, true);
    assert.equal((await one.consume('ip:1.1.1.1', one30)).allowed, true, 'the same subject has its own budget under another rate');
    const denied = await one.consume('ip:1.1.1.1', one30);
    assert.ok(!denied.allowed && denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 30);
  });

  it('shares one budget between two replicas, exactly, under concurrent consumption', async () => {
    const rate = { points: 10, windowSeconds: 60 };
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).consume('key:shared', rate)));
    assert.equal(decisions.filter((d) => d.allowed).length, 10);
    const denied = await two.consume('key:shared', rate);
    assert.ok(!denied.allowed && denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 60, 'both see the one window');
  });

  it('keeps stations with different key prefixes apart', async () => {
    const rate = { points: 1, windowSeconds: 60 };
    const other = redisRateLimiter(fx.replicas[1], { prefix: `${fx.prefix}other:` });
    assert.equal((await one.consume('key:a', rate)).allowed, true);
    assert.equal((await one.consume('key:a', rate)).allowed, false);
    assert.equal((await other.consume('key:a', rate)).allowed, true);
  });
});
