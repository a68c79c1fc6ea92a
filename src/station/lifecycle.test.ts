/**
 * Graceful shutdown over a real socket: generations in flight finish within the grace period and
 * are charged; past it they end with 503 and their holds are released; new requests are refused.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { solidImage } from '../../test/helpers/images.js';
import { multipart } from '../../test/helpers/multipart.js';
import { countingProvider, routerFor, testStation } from '../../test/helpers/test-app.js';
import { lifecycle } from './lifecycle.js';

async function stationWithGate() {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const provider = countingProvider(async (request, ctx) => {
    started();
    await new Promise<void>((resolve, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      void gate.then(resolve);
    });
    return { bytes: await solidImage('png', 64, 64), format: 'png', seed: 5, finishReason: 'SUCCESS' };
  });
  const life = lifecycle();
  const station = await testStation({ router: routerFor(provider), ...life.signals });
  await station.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(station.app.server.address() as AddressInfo).port}`;
  const { id, plaintext } = await station.key({ credits: '10' });
  const form = multipart({ prompt: 'a lighthouse' });
  const post = () =>
    fetch(`${url}/v2beta/stable-image/generate/sd3`, { method: 'POST', headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType }, body: form.body });
  const balance = async () => {
    const key = (await station.store.keys.get(id))!;
    return { balance: key.balance, held: key.held, open: await station.store.credits.openHolds(id) };
  };
  return { station, life, running, finish, post, balance, url };
}

describe('graceful shutdown', () => {
  // The timeout is a fail-safe, not a measurement: without the idle sweep, stopping waited out the
  // client's keep-alive connection (72 s) after its answer was written.
  it('lets a generation in flight finish within the grace period, charged, and refuses new connections', { timeout: 30_000 }, async () => {
    const { station, life, running, finish, post, url, balance } = await stationWithGate();
    const inFlight = post();
    await running;
    const stopped = life.stop(station.app, 10_000, () => station.store.close().then(() => undefined));
    await assert.rejects(fetch(`${url}/healthz`), 'no new connection is accepted while stopping');
    finish();
    const response = await inFlight;
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    // Read before `stopped`: the store closes with the station.
    const after = await balance();
    assert.ok(after.balance < 10_000 && after.held === 0 && after.open === 0, `the finished generation is charged: ${JSON.stringify(after)}`);
    await stopped;
  });

  it('ends a generation still running past the grace period with 503, releasing its hold', async () => {
    const { station, life, running, post, balance } = await stationWithGate();
    const inFlight = post();
    await running;
    let closedStore = false;
    const stopped = life.stop(station.app, 50, async () => {
      // Checked before the store closes: the hold is already given back.
      assert.deepEqual(await balance(), { balance: 10_000, held: 0, open: 0 });
      closedStore = true;
      await station.store.close();
    });
    const response = await inFlight;
    assert.equal(response.status, 503);
    const body = (await response.json()) as { name: string; errors: string[] };
    assert.deepEqual([body.name, body.errors], ['service_unavailable', ['station: shutting down; retry, another replica will answer']]);
    await stopped;
    assert.equal(closedStore, true);
  });

  it('refuses a request that arrives once draining began, in the error shape', async () => {
    const life = lifecycle();
    const station = await testStation(life.signals);
    try {
      void life.stop(station.app, 0, async () => {});
      const response = await station.app.inject({ method: 'GET', url: '/v1/engines/list' });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().name, 'service_unavailable');
      assert.equal(response.headers['retry-after'], '1');
    } finally {
      await station.store.close();
    }
  });
});
