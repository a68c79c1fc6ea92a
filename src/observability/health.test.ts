/**
 * @module /healthz and /readyz: ready only while the store and (when configured) Redis answer and
 * the station is not draining; otherwise 503 in the station's error shape naming what failed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shuttingDown } from '../errors.js';
import { closeRedis, createRedisClient } from '../redis/connection.js';
import { testStation } from '../../test/helpers/test-app.js';

describe('health and readiness', () => {
  it('answers /healthz and /readyz with the store ready and Redis not configured', async () => {
    const station = await testStation();
    try {
      const health = await station.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok' });
      const ready = await station.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready', checks: { store: 'ok', redis: 'not configured' } });
    } finally {
      await station.close();
    }
  });

  it('reports Redis ok when it answers PING', async () => {
    const station = await testStation({ redisPing: async () => 'PONG' });
    try {
      const ready = await station.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json().checks, { store: 'ok', redis: 'ok' });
    } finally {
      await station.close();
    }
  });

  it('answers 503 service_unavailable naming the store once the store no longer answers', async () => {
    const station = await testStation();
    try {
      await station.store.close();
      const ready = await station.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      const body = ready.json();
      assert.equal(body.name, 'service_unavailable');
      assert.equal(body.id, ready.headers['x-request-id']);
      assert.deepEqual(body.errors, ['store: not ready']);
      // Liveness is not readiness: the process still runs.
      assert.equal((await station.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await station.app.close();
    }
  });

  it('answers 503 naming Redis when Redis is down', async () => {
    const redis = createRedisClient('redis://127.0.0.1:1');
    const station = await testStation({ redisPing: () => redis.ping() });
    try {
      const ready = await station.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.headers['retry-after'], '5');
      assert.deepEqual(ready.json().errors, ['redis: not ready']);
    } finally {
      await station.close();
      await closeRedis(redis);
    }
  });

  it('answers 503 while draining, so a load balancer stops sending', async () => {
    const draining = new AbortController();
    const station = await testStation({ draining: draining.signal });
    try {
      assert.equal((await station.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      draining.abort(shuttingDown());
      const ready = await station.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().name, 'service_unavailable');
    } finally {
      await station.close();
    }
  });
});
