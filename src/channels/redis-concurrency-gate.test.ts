/**
 * @module The Redis concurrency gate: the memory gate's behaviour, one cap shared by two
 * replicas (two clients), and slots of a crashed replica coming back when their lease runs out.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { redisFixture, redisOrSkip, type RedisFixture } from '../../test/helpers/redis.js';
import type { ConcurrencyGate } from './concurrency-gate.js';
import { redisConcurrencyGate } from './redis-concurrency-gate.js';

const target = await redisOrSkip();
const TTL = 60_000;

describe('redisConcurrencyGate', { skip: target.skip }, () => {
  let fx: RedisFixture;
  let tests = 0;
  let clock: number;
  let one: ConcurrencyGate;
  let two: ConcurrencyGate;
  before(async () => {
    fx = await redisFixture(target.url, 'gate');
  });
  after(() => fx?.close());
  beforeEach(() => {
    clock = 1_000_000;
    const options = { slotTtlMs: TTL, now: () => clock, prefix: `${fx.prefix}${(tests += 1)}:` };
    one = redisConcurrencyGate(fx.replicas[0], options);
    two = redisConcurrencyGate(fx.replicas[1], options);
  });

  it('admits up to the cap and refuses the next; a refusal takes no slot', async () => {
    assert.equal(await one.tryAcquire('a', 2), true);
    assert.equal(await one.tryAcquire('a', 2), true);
    assert.equal(await one.tryAcquire('a', 2), false);
    assert.equal(await one.inFlight('a'), 2);
  });

  it('frees a slot on release, and never below zero on an extra release', async () => {
    await one.release('a');
    assert.equal(await one.tryAcquire('a', 1), true);
    assert.equal(await one.tryAcquire('a', 1), false);
    await one.release('a');
    assert.equal(await one.inFlight('a'), 0);
    assert.equal(await one.tryAcquire('a', 1), true);
    assert.equal(await one.tryAcquire('a', 1), false, 'the extra release added no slot');
  });

  it('keeps channels independent and checks the limit given on each call', async () => {
    assert.equal(await one.tryAcquire('a', 3), true);
    assert.equal(await one.tryAcquire('a', 3), true);
    assert.equal(await one.tryAcquire('b', 1), true, 'a busy a does not block b');
    assert.equal(await one.tryAcquire('a', 2), false, 'lowered to 2 while 2 are in flight');
    assert.equal(await one.tryAcquire('a', 3), true);
    await one.release('b');
    assert.equal(await one.inFlight('a'), 3, "b's release frees nothing on a");
  });

  it('admits everything when the limit is null, without counting it in Redis', async () => {
    for (let i = 0; i < 50; i += 1) assert.equal(await one.tryAcquire('a', null), true);
    assert.equal(await one.tryAcquire('a', 1), true, 'uncapped calls take no capped slot');
    await one.release('a');
    assert.equal(await one.inFlight('a'), 50, 'the last acquisition is released first; uncapped calls count on their replica');
    assert.equal(await two.inFlight('a'), 0, 'and only there');
  });

  it('shares one cap between two replicas, exactly, under concurrent acquisition', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).tryAcquire('a', 3)));
    assert.equal(answers.filter(Boolean).length, 3);
    assert.equal(await two.inFlight('a'), 3);
  });

  it("frees a slot for either replica when one releases, and a replica releases only its own", async () => {
    assert.equal(await one.tryAcquire('a', 2), true);
    assert.equal(await two.tryAcquire('a', 2), true);
    assert.equal(await one.tryAcquire('a', 2), false);
    await two.release('a');
    await two.release('a');
    assert.equal(await one.inFlight('a'), 1, "two's extra release did not free one's slot");
    assert.equal(await one.tryAcquire('a', 2), true);
  });

  it('gives back the slots of a replica that crashed once their lease runs out', async () => {
    assert.equal(await one.tryAcquire('a', 2), true);
    assert.equal(await one.tryAcquire('a', 2), true, 'replica one takes both slots and dies');
    clock += TTL - 1;
    assert.equal(await two.tryAcquire('a', 2), false, 'the calls might still be running');
    clock += 1;
    assert.equal(await two.inFlight('a'), 0);
    assert.equal(await two.tryAcquire('a', 2), true);
    assert.equal(await two.tryAcquire('a', 2), true);
  });

  it('expires the set of an idle channel in Redis itself, one lease after its last slot', async () => {
    const gate = redisConcurrencyGate(fx.replicas[0], { prefix: `${fx.prefix}idle:` });
    assert.equal(await gate.tryAcquire('a', 1), true);
    const ttl = await fx.replicas[0].pttl(`${fx.prefix}idle:gate:a`);
    assert.ok(ttl > 10 * 60_000 && ttl <= 11 * 60_000, `default lease is 11 minutes (got ${ttl} ms)`);
  });
});
