/**
 * Failover and billing through real channels: the station's store-backed router, the Stability
 * adapter, and two Stability simulators on loopback. Each case checks the answer, the ledger, the
 * usage log's attempts and which upstream was called.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { channelService } from '../channels/channel-service.js';
import { startStabilitySimulator, STABILITY_SIM_KEY } from '../../test/simulators/stability.js';
import type { Simulator } from '../../test/simulators/sim-kit.js';
import { multipart } from '../../test/helpers/multipart.js';
import { testStation, type TestStation } from '../../test/helpers/test-app.js';

const PRICE = 6_500;

describe('failover and billing across channels', () => {
  let simA: Simulator;
  let simB: Simulator;
  let clock: number;
  let station: TestStation;
  let key: { id: string; plaintext: string };

  before(async () => {
    [simA, simB] = await Promise.all([startStabilitySimulator(), startStabilitySimulator()]);
  });
  after(async () => Promise.all([simA.close(), simB.close()]));

  beforeEach(async () => {
    for (const sim of [simA, simB]) {
      sim.faults.length = 0;
      sim.always = undefined;
      sim.calls.length = 0;
    }
    clock = Date.UTC(2026, 0, 1);
    await station?.close();
    station = await testStation({ now: () => clock, env: { AIGATE_CIRCUIT_FAILURES: '2', AIGATE_CIRCUIT_COOLDOWN_SECONDS: '30' } });
    const service = channelService(station.store, station.secrets, station.config.models);
    await service.setEnabled('sandbox', false);
    await service.add({ provider: 'stability', name: 'a', baseUrl: simA.url, credentials: STABILITY_SIM_KEY, priority: 2, timeoutMs: 1_500 });
    await service.add({ provider: 'stability', name: 'b', baseUrl: simB.url, credentials: STABILITY_SIM_KEY, priority: 1 });
    key = await station.key({ credits: '100' });
  });
  after(async () => station?.close());

  const generate = async () => {
    const form = multipart({ prompt: 'a lighthouse', model: 'sd3.5-large' });
    return station.app.inject({
      method: 'POST',
      url: '/v2beta/stable-image/generate/sd3',
      headers: { authorization: `Bearer ${key.plaintext}`, 'content-type': form.contentType },
      payload: form.body,
    });
  };
  const money = async () => {
    const k = (await station.store.keys.get(key.id))!;
    const charges = (await station.store.credits.ledger(key.id)).filter((e) => e.kind === 'charge');
    return { balance: k.balance, held: k.held, charges: charges.length, open: await station.store.credits.openHolds(key.id) };
  };
  const attemptsOf = async (requestId: string) => {
    await station.usageLogged(requestId);
    const [row] = (await station.store.usage.query({ limit: 50 })).filter((r) => r.requestId === requestId);
    assert.ok(row, 'a usage row');
    return { status: row.status, credits: row.credits, attempts: row.attempts.map((a) => `${a.channel}:${a.status ?? '-'}:${a.outcome}`) };
  };

  it('a 5xx from the first channel fails over to the second: one image, one charge', async () => {
    simA.faults.push({ kind: 'status', status: 503 });
    const response = await generate();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-aigate-channel'], 'b');
    assert.deepEqual([simA.calls.length, simB.calls.length], [1, 1]);
    assert.deepEqual(await money(), { balance: 100_000 - PRICE, held: 0, charges: 1, open: 0 });
    assert.deepEqual(await attemptsOf(String(response.headers['x-request-id'])), { status: 200, credits: PRICE, attempts: ['a:503:server_error', 'b:200:ok'] });
  });

  it('a 429 fails over too', async () => {
    simA.faults.push({ kind: 'status', status: 429 });
    const response = await generate();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-aigate-channel'], 'b');
  });

  it('every channel failing gives 502 upstream_error and charges nothing', async () => {
    simA.faults.push({ kind: 'status', status: 500 });
    simB.faults.push({ kind: 'status', status: 502 });
    const response = await generate();
    assert.equal(response.statusCode, 502);
    assert.equal(response.json().name, 'upstream_error');
    assert.doesNotMatch(response.body, new RegExp(`${STABILITY_SIM_KEY}|127\\.0\\.0\\.1`));
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
    assert.deepEqual((await attemptsOf(String(response.headers['x-request-id']))).attempts, ['a:500:server_error', 'b:502:server_error']);
  });

  it('a timeout after the request was sent is a 504 with no failover and no charge', async () => {
    simA.faults.push({ kind: 'slow', ms: 60_000 });
    const response = await generate();
    assert.equal(response.statusCode, 504);
    assert.equal(response.json().name, 'upstream_timeout');
    assert.deepEqual([simA.calls.length, simB.calls.length], [1, 0]);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });

  it('an answer that breaks off mid-body is a 502 with no failover', async () => {
    simA.faults.push({ kind: 'reset-mid-body' });
    const response = await generate();
    assert.equal(response.statusCode, 502);
    assert.equal(simB.calls.length, 0);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });

  it("the caller's fault (a 400 or a moderation 403 upstream) comes back as is, without failover", async () => {
    simA.faults.push({ kind: 'moderation' });
    const moderated = await generate();
    assert.equal(moderated.statusCode, 403);
    assert.equal(moderated.json().name, 'content_moderation');
    simA.faults.push({ kind: 'status', status: 400 });
    const bad = await generate();
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().name, 'bad_request');
    assert.equal(simB.calls.length, 0);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });

  it('refused credentials disable the channel with a reason, and the request fails over', async () => {
    simA.faults.push({ kind: 'status', status: 401 });
    const response = await generate();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-aigate-channel'], 'b');
    const a = (await station.store.channels.find('a'))!;
    assert.equal(a.enabled, false);
    assert.match(a.disabledReason ?? '', /credentials refused by the upstream \(HTTP 401\)/);
    await generate();
    assert.equal(simA.calls.length, 1, 'a disabled channel is not called again');
    assert.equal((await money()).charges, 2);
  });

  it('an open circuit skips its channel, and one good probe after the cool-down closes it', async () => {
    simA.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    assert.equal((await generate()).headers['x-aigate-channel'], 'b');
    assert.equal((await generate()).headers['x-aigate-channel'], 'b');
    assert.equal(simA.calls.length, 2);
    // Open: a is not even tried.
    const skipped = await generate();
    assert.equal(skipped.headers['x-aigate-channel'], 'b');
    assert.equal(simA.calls.length, 2);
    assert.deepEqual((await attemptsOf(String(skipped.headers['x-request-id']))).attempts, ['b:200:ok']);
    // After the cool-down one probe goes to a; it succeeds and the circuit closes.
    clock += 30_000;
    assert.equal((await generate()).headers['x-aigate-channel'], 'a');
    assert.equal((await generate()).headers['x-aigate-channel'], 'a');
    assert.equal(simA.calls.length, 4);
    assert.deepEqual(await money(), { balance: 100_000 - 5 * PRICE, held: 0, charges: 5, open: 0 });
  });

  it('a failed probe re-opens the circuit for another cool-down', async () => {
    simA.always = { kind: 'status', status: 500 };
    await generate();
    await generate();
    clock += 30_000;
    await generate(); // the probe: fails, re-opens
    assert.equal(simA.calls.length, 3);
    await generate();
    assert.equal(simA.calls.length, 3, 'not tried again before the next cool-down');
  });

  it('no enabled channel for the model is 503 no_channel_available, charging nothing', async () => {
    const service = channelService(station.store, station.secrets, station.config.models);
    await service.setEnabled('a', false);
    await service.update('b', { models: ['sd3-medium'] });
    const response = await generate();
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().name, 'no_channel_available');
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });

  it('a model map sends the upstream its own model name', async () => {
    const service = channelService(station.store, station.secrets, station.config.models);
    await service.setEnabled('b', false);
    await service.update('a', { modelMap: { 'sd3.5-large': 'sd3-large' } });
    assert.equal((await generate()).statusCode, 200);
    assert.equal(simA.calls.at(-1)?.model, 'sd3-large');
  });
});

describe('a proxy timeout in front of an upstream', () => {
  it('is a 504 for the caller and is not failed over, since the origin may still be generating', async () => {
    const [a, b] = await Promise.all([startStabilitySimulator(), startStabilitySimulator()]);
    const station = await testStation();
    try {
      const service = channelService(station.store, station.secrets, station.config.models);
      await service.setEnabled('sandbox', false);
      await service.add({ provider: 'stability', name: 'a', baseUrl: a.url, credentials: STABILITY_SIM_KEY, priority: 2 });
      await service.add({ provider: 'stability', name: 'b', baseUrl: b.url, credentials: STABILITY_SIM_KEY, priority: 1 });
      const { id, plaintext } = await station.key({ credits: '10' });
      a.faults.push({ kind: 'status', status: 504 });
      const form = multipart({ prompt: 'a lighthouse' });
      const response = await station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType }, payload: form.body });
      assert.equal(response.statusCode, 504);
      assert.equal(response.json().name, 'upstream_timeout');
      assert.deepEqual([a.calls.length, b.calls.length], [1, 0]);
      assert.equal((await station.store.keys.get(id))?.balance, 10_000);
    } finally {
      await station.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
