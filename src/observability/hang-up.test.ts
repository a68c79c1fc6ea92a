/**
 * @module A client that hangs up mid-generation: Fastify runs no onResponse for it, so the
 * metrics and the log see it through the hang-up path, as a 499 once its hold has settled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingProvider, routerFor, testStation } from '../../test/helpers/test-app.js';
import { hangUpDuringGeneration } from '../../test/helpers/hang-up.js';
import { scrape, SD3 } from './test-scrape.js';

describe('a client that hangs up', () => {
  it('is counted as 499, its credits released, the in-flight gauge back down, and logged once settled', async () => {
    let started!: () => void;
    const providerStarted = new Promise<void>((resolve) => (started = resolve));
    // Never answers on its own: rejects with the signal's reason once the client has left.
    const provider = countingProvider(
      (_request, ctx) =>
        new Promise((_resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
    );
    let logged!: (line: Record<string, unknown>) => void;
    const hungUpLine = new Promise<Record<string, unknown>>((resolve) => (logged = resolve));
    const logStream = {
      write(raw: string) {
        const line = JSON.parse(raw) as Record<string, unknown>;
        if (line.msg === 'client hung up') logged(line);
      },
    };
    const station = await testStation({ router: routerFor(provider), env: { AIGATE_LOG_LEVEL: 'info', AIGATE_IP_RATE_LIMIT: '10000/10s' }, logStream });
    try {
      const { plaintext } = await station.key();
      assert.equal(await hangUpDuringGeneration(station, plaintext, providerStarted), 'AbortError');

      // The metrics' hang-up observer is installed before the log's and waits on the same settled
      // hold, so by the time the line is written the counters are too.
      const line = await hungUpLine;
      assert.equal(line.status, 499);
      assert.equal(line.route, SD3);
      assert.match(String(line.reqId), /^[0-9a-f]{32}$/);

      const m = await scrape(station);
      assert.equal(m.value('aigate_http_requests_total', { route: SD3, method: 'POST', status: '499' }), 1);
      assert.equal(m.value('aigate_generations_total', { endpoint: 'sd3', model: 'sd3-large', channel: '', status: '499' }), 1);
      assert.equal(m.value('aigate_channel_attempts_total', { channel: 'test', outcome: 'client_closed_request' }), 1);
      assert.equal(m.value('aigate_credits_released_total'), 6.5);
      assert.equal(m.value('aigate_requests_in_flight'), 1, 'only the scrape itself');
    } finally {
      await station.close();
    }
  });
});
