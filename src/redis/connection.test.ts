/**
 * @module The Redis connection helper and script runner against a real Redis, and redisOrSkip's
 * rule: without Redis the tests skip, unless REQUIRE_SERVICES=1 says they must run.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, describe, it } from 'node:test';
import { freePort, redisOrSkip } from '../../test/helpers/redis.js';
import { closeRedis, createRedisClient, openRedis } from './connection.js';
import { luaScript } from './lua.js';

const target = await redisOrSkip();

describe('openRedis and closeRedis', { skip: target.skip }, () => {
  it('connects, answers, and closes for good (twice is fine)', async () => {
    const client = await openRedis(target.url);
    assert.equal(await client.ping(), 'PONG');
    await closeRedis(client);
    await closeRedis(client);
    assert.equal(client.status, 'end');
  });

  it('runs a script Redis has never seen (sending its source), then by its SHA', async () => {
    const client = await openRedis(target.url);
    try {
      // A random comment makes a script no earlier run can have cached.
      const script = luaScript(`-- ${randomUUID()}\nreturn tonumber(ARGV[1]) + 1`);
      assert.equal(await script.run(client, [], [41]), 42);
      assert.equal(await script.run(client, [], [1]), 2);
    } finally {
      await closeRedis(client);
    }
  });
});

describe('closeRedis on a client that never connected', () => {
  it('stops its reconnection attempts, while connecting or between attempts', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const connecting = createRedisClient(url);
    await closeRedis(connecting);
    assert.equal(connecting.status, 'end');
    const waiting = createRedisClient(url);
    await new Promise((resolve) => waiting.once('reconnecting', resolve));
    await closeRedis(waiting);
    // No socket and no timer are left: this test file could not end otherwise.
    assert.equal(waiting.status, 'reconnecting', 'the attempt it was waiting for is cancelled');
  });
});

describe('redisOrSkip', () => {
  const saved = { url: process.env.REDIS_URL, required: process.env.REQUIRE_SERVICES };
  const restore = (name: 'REDIS_URL' | 'REQUIRE_SERVICES', value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  afterEach(() => {
    restore('REDIS_URL', saved.url);
    restore('REQUIRE_SERVICES', saved.required);
  });
  after(() => assert.equal(process.env.REDIS_URL, saved.url));

  it('skips with the reason when REDIS_URL is unset', async () => {
    delete process.env.REDIS_URL;
    delete process.env.REQUIRE_SERVICES;
    const skipped = await redisOrSkip();
    assert.match(String(skipped.skip), /REDIS_URL is not set/);
  });

  it('skips when Redis does not answer, without printing the URL (it may hold a password)', async () => {
    process.env.REDIS_URL = `redis://:hunter2@127.0.0.1:${await freePort()}`;
    delete process.env.REQUIRE_SERVICES;
    const skipped = await redisOrSkip();
    assert.match(String(skipped.skip), /does not answer/);
    assert.doesNotMatch(String(skipped.skip), /hunter2/);
  });

  it('fails instead when REQUIRE_SERVICES=1', async () => {
    process.env.REQUIRE_SERVICES = '1';
    delete process.env.REDIS_URL;
    await assert.rejects(redisOrSkip(), /REQUIRE_SERVICES=1 but REDIS_URL is not set/);
    process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`;
    await assert.rejects(redisOrSkip(), /REQUIRE_SERVICES=1 but Redis at REDIS_URL does not answer/);
  });
});
