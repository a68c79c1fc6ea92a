/**
 * @module Failing closed, for real: the three Redis components pointed at a closed port, at a
 * server that accepts commands and never answers, and at one that drops the connection, must
 * refuse every operation with 503 service_unavailable, and quickly. No Redis server needed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import { redisConcurrencyGate } from '../channels/redis-concurrency-gate.js';
import { redisCircuitBreakers } from '../channels/redis-circuit-breaker.js';
import { GatewayError } from '../errors.js';
import { fakeRedis, freePort, type FakeRedis } from '../../test/helpers/redis.js';
import { redisRateLimiter } from '../rate-limit/redis-limiter.js';
import { closeRedis, createRedisClient, FAIL_FAST_OPTIONS, openRedis } from './connection.js';

/** Every operation that needs Redis, by name (release needs a slot first: tested on its own). */
function operations(client: Redis): Record<string, () => Promise<unknown>> {
  const limiter = redisRateLimiter(client);
  const gate = redisConcurrencyGate(client);
  const breakers = redisCircuitBreakers(client, { failures: 3, cooldownMs: 30_000 });
  return {
    'limiter.consume': () => limiter.consume('key:a', { points: 5, windowSeconds: 10 }),
    'gate.tryAcquire': () => gate.tryAcquire('ch', 2),
    'gate.inFlight': () => gate.inFlight('ch'),
    'breakers.allow': () => breakers.allow('ch'),
    'breakers.success': () => breakers.success('ch'),
    'breakers.failure': () => breakers.failure('ch'),
    'breakers.abandon': () => breakers.abandon('ch'),
    'breakers.state': () => breakers.state('ch'),
  };
}

/** Asserts the 503 and returns how long the refusal took, in ms. */
async function refusal(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await assert.rejects(operation(), (error: unknown) => {
    assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
    assert.equal(error.code, 'service_unavailable');
    assert.equal(error.status, 503);
    assert.equal(error.headers['retry-after'], '5');
    return true;
  });
  return performance.now() - started;
}

async function allRefused(t: TestContext, client: Redis, atLeastMs: number, underMs: number) {
  const entries = Object.entries(operations(client));
  const times = await Promise.all(entries.map(([, operation]) => refusal(operation)));
  entries.forEach(([name], i) => {
    assert.ok(times[i]! >= atLeastMs && times[i]! < underMs, `${name} refused in ${times[i]!.toFixed(1)} ms`);
  });
  t.diagnostic(`slowest refusal: ${Math.max(...times).toFixed(1)} ms`);
}

describe('failing closed when Redis cannot be reached', () => {
  const clients: Redis[] = [];
  const fakes: FakeRedis[] = [];
  const connected = async (url: string) => {
    const client = createRedisClient(url);
    clients.push(client);
    await once(client, 'ready');
    return client;
  };
  after(async () => {
    await Promise.all(clients.map(closeRedis));
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('refuses every operation at once when nothing listens on the port', async (t) => {
    const client = createRedisClient(`redis://127.0.0.1:${await freePort()}`);
    clients.push(client);
    await allRefused(t, client, 0, 100);
  });

  it('refuses every operation after the command timeout when Redis accepts but never answers', async (t) => {
    const fake = await fakeRedis(() => 'silence');
    fakes.push(fake);
    await allRefused(t, await connected(fake.url), FAIL_FAST_OPTIONS.commandTimeout - 50, FAIL_FAST_OPTIONS.commandTimeout + 1_000);
  });

  it('refuses a command in flight at once when the connection drops under it', async (t) => {
    const fake = await fakeRedis(() => 'hang up');
    fakes.push(fake);
    await allRefused(t, await connected(fake.url), 0, 250);
  });

  it('refuses a release when Redis stops answering or goes away (the slot comes back with its lease)', async () => {
    // Answers the two acquisitions only: a fake that never answers leaves ioredis's reply queue
    // behind for good, which real Redis, answering in order, never does.
    const fake = await fakeRedis((command) => (command === 'EVALSHA' ? ':1\r\n' : 'silence'));
    fakes.push(fake);
    const gate = redisConcurrencyGate(await connected(fake.url));
    assert.equal(await gate.tryAcquire('ch', 2), true);
    assert.equal(await gate.tryAcquire('ch', 2), true);
    const timedOut = await refusal(() => gate.release('ch'));
    assert.ok(timedOut >= FAIL_FAST_OPTIONS.commandTimeout - 50 && timedOut < FAIL_FAST_OPTIONS.commandTimeout + 1_000, `${timedOut} ms`);
    fake.dropConnections();
    assert.ok((await refusal(() => gate.release('ch'))) < 100, 'disconnected: refused at once');
  });

  it('lets an uncapped call through without asking Redis', async () => {
    const client = createRedisClient('redis://127.0.0.1:1');
    clients.push(client);
    const gate = redisConcurrencyGate(client);
    assert.equal(await gate.tryAcquire('ch', null), true);
    await gate.release('ch');
  });

  it('stops start-up with a clear error when Redis is not there', async () => {
    await assert.rejects(openRedis('redis://127.0.0.1:1'), /cannot connect to Redis \(REDIS_URL\)/);
  });
});
