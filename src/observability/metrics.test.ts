/**
 * @module /metrics through the whole station: request and generation counters with bounded
 * labels, credits captured and released, the in-flight gauge, circuit states, opt-in protection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCircuitBreakers } from '../channels/circuit-breaker.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { countingProvider, routerFor, testStation } from '../../test/helpers/test-app.js';
import { generate, scrape, SD3 } from './test-scrape.js';

const ROOMY_LIMITS = { AIGATE_IP_RATE_LIMIT: '10000/10s' };

describe('metrics', () => {
  it('counts requests by route pattern and status, generations by model and channel, and credits captured', async () => {
    const station = await testStation({ router: routerFor(countingProvider()), env: ROOMY_LIMITS });
    try {
      const rich = await station.key();
      const poor = await station.key({ credits: '1' });
      assert.equal((await generate(station, rich.plaintext)).statusCode, 200);
      assert.equal((await generate(station, poor.plaintext)).statusCode, 402);
      assert.equal((await generate(station)).statusCode, 401);
      assert.equal((await station.app.inject({ method: 'GET', url: '/no/such/path?secret=1' })).statusCode, 404);

      const m = await scrape(station);
      for (const status of ['200', '402', '401']) assert.equal(m.value('aigate_http_requests_total', { route: SD3, method: 'POST', status }), 1, status);
      assert.equal(m.value('aigate_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }), 1);
      assert.doesNotMatch(m.text, /no\/such\/path/, 'raw URLs never become labels');
      assert.equal(m.value('aigate_http_request_duration_seconds_count', { route: SD3 }), 3);
      assert.equal(m.value('aigate_generations_total', { endpoint: 'sd3', model: 'sd3-large', channel: 'test', status: '200' }), 1);
      assert.equal(m.value('aigate_generations_total', { endpoint: 'sd3', model: 'sd3-large', channel: '', status: '402' }), 1);
      assert.equal(m.value('aigate_generations_total', { endpoint: 'sd3', model: '', channel: '', status: '401' }), 1);
      assert.equal(m.value('aigate_channel_attempts_total', { channel: 'test', outcome: 'ok' }), 1);
      assert.equal(m.value('aigate_channel_attempt_duration_seconds_count', { channel: 'test' }), 1);
      assert.equal(m.value('aigate_credits_captured_total'), 6.5);
      assert.equal(m.value('aigate_credits_released_total'), 0);
      // Default process metrics come along, from the process-wide registry.
      assert.match(m.text, /^process_cpu_user_seconds_total /m);
    } finally {
      await station.close();
    }
  });

  it('counts the credits of a failed generation as released, and the failed attempt by outcome', async () => {
    const failing = countingProvider(async () => {
      throw new UpstreamFailure('server_error', 'upstream said 503', true, 503);
    });
    const station = await testStation({ router: routerFor(failing), env: ROOMY_LIMITS });
    try {
      const { plaintext } = await station.key();
      assert.equal((await generate(station, plaintext)).statusCode, 502);
      const m = await scrape(station);
      assert.equal(m.value('aigate_credits_released_total'), 6.5);
      assert.equal(m.value('aigate_credits_captured_total'), 0);
      assert.equal(m.value('aigate_channel_attempts_total', { channel: 'test', outcome: 'server_error' }), 1);
      assert.equal(m.value('aigate_generations_total', { endpoint: 'sd3', model: 'sd3-large', channel: '', status: '502' }), 1);
    } finally {
      await station.close();
    }
  });

  it('shows requests in flight, and the gauge comes back down once they are answered', async () => {
    let started!: () => void;
    let finish!: () => void;
    const providerStarted = new Promise<void>((resolve) => (started = resolve));
    const mayFinish = new Promise<void>((resolve) => (finish = resolve));
    const provider = countingProvider(async (request) => {
      started();
      await mayFinish;
      return countingProvider().generate(request, { signal: new AbortController().signal });
    });
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    try {
      const { plaintext } = await station.key();
      const pending = generate(station, plaintext);
      await providerStarted;
      // The scrape is itself a request in flight.
      assert.equal((await scrape(station)).value('aigate_requests_in_flight'), 2);
      finish();
      assert.equal((await pending).statusCode, 200);
      assert.equal((await scrape(station)).value('aigate_requests_in_flight'), 1);
    } finally {
      await station.close();
    }
  });

  it('reports each channel circuit at scrape time: 0 closed, 2 open', async () => {
    const breakers = memoryCircuitBreakers({ failures: 1, cooldownMs: 60_000 });
    const station = await testStation({ router: routerFor(countingProvider()), breakers });
    try {
      assert.equal((await scrape(station)).value('aigate_circuit_state', { channel: 'test' }), 0);
      await breakers.failure('ch_test');
      assert.equal((await scrape(station)).value('aigate_circuit_state', { channel: 'test' }), 2);
    } finally {
      await station.close();
    }
  });

  it('requires the bearer token when one is configured, and answers Prometheus text format', async () => {
    const station = await testStation({ metricsToken: 'scrape-me' });
    try {
      const without = await station.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(without.statusCode, 401);
      assert.equal(without.json().name, 'unauthorized');
      const wrong = await station.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-you' } });
      assert.equal(wrong.statusCode, 401);
      const right = await station.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me' } });
      assert.equal(right.statusCode, 200);
      assert.match(String(right.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      assert.match(right.body, /# TYPE aigate_requests_in_flight gauge/);
    } finally {
      await station.close();
    }
  });

  it('keeps each app its own registry: two stations in one process do not share counts', async () => {
    const [a, b] = await Promise.all([testStation(), testStation()]);
    try {
      await a.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal((await scrape(a)).value('aigate_http_requests_total', { route: '/healthz', method: 'GET', status: '200' }), 1);
      assert.equal((await scrape(b)).value('aigate_http_requests_total', { route: '/healthz', method: 'GET', status: '200' }), 0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
