/** @module The in-process limiter: N requests per window per subject, then a Retry-After. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryRateLimiter } from './limiter.js';

describe('memoryRateLimiter', () => {
  it('allows N requests in the window, then denies with retryAfterSeconds in [1, window]', async () => {
    const limiter = memoryRateLimiter();
    const rate = { points: 3, windowSeconds: 10 };
    for (let i = 0; i < 3; i++) assert.deepEqual(await limiter.consume('key:a', rate), { allowed: true }, `request ${i + 1}`);
    for (let i = 0; i < 2; i++) {
      const denied = await limiter.consume('key:a', rate);
      assert.equal(denied.allowed, false);
      assert.ok(!denied.allowed && Number.isInteger(denied.retryAfterSeconds), 'a whole number of seconds');
      assert.ok(!denied.allowed && denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 10, JSON.stringify(denied));
    }
  });

  it('counts each subject on its own', async () => {
    const limiter = memoryRateLimiter();
    const rate = { points: 2, windowSeconds: 60 };
    assert.equal((await limiter.consume('ip:1.1.1.1', rate)).allowed, true);
    assert.equal((await limiter.consume('ip:1.1.1.1', rate)).allowed, true);
    assert.equal((await limiter.consume('ip:1.1.1.1', rate)).allowed, false);
    assert.equal((await limiter.consume('ip:2.2.2.2', rate)).allowed, true);
    assert.equal((await limiter.consume('key:1.1.1.1', rate)).allowed, true);
  });

  it('keeps different rates apart, even for the same subject', async () => {
    const limiter = memoryRateLimiter();
    const one = { points: 1, windowSeconds: 60 };
    const three = { points: 3, windowSeconds: 60 };
    const oneShort = { points: 1, windowSeconds: 30 };
    assert.equal((await limiter.consume('key:a', one)).allowed, true);
    assert.equal((await limiter.consume('key:a', one)).allowed, false);
    // The same subject under another rate has its own budget.
    for (let i = 0; i < 3; i++) assert.equal((await limiter.consume('key:a', three)).allowed, true);
    assert.equal((await limiter.consume('key:a', three)).allowed, false);
    assert.equal((await limiter.consume('key:a', oneShort)).allowed, true);
    const denied = await limiter.consume('key:a', oneShort);
    assert.ok(!denied.allowed && denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 30);
  });

  it('two limiters do not share state', async () => {
    const rate = { points: 1, windowSeconds: 60 };
    const first = memoryRateLimiter();
    assert.equal((await first.consume('key:a', rate)).allowed, true);
    assert.equal((await first.consume('key:a', rate)).allowed, false);
    assert.equal((await memoryRateLimiter().consume('key:a', rate)).allowed, true);
  });

  it('denies exactly the excess under concurrent consumption', async () => {
    const limiter = memoryRateLimiter();
    const rate = { points: 25, windowSeconds: 60 };
    const decisions = await Promise.all(Array.from({ length: 40 }, () => limiter.consume('key:burst', rate)));
    assert.equal(decisions.filter((d) => d.allowed).length, 25);
    assert.equal(decisions.filter((d) => !d.allowed).length, 15);
  });
});
