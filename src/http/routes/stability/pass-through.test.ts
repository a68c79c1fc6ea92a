/**
 * The pass-through path over a real socket: a Stability channel's image streams to the client as
 * it arrives, byte for byte, with exact lengths; the charge is made only once the last upstream
 * byte is in, and an answer cut off after its head reached the client is released, logged as the
 * upstream's failure and shown to the client as a broken connection, never as a whole image.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { channelService } from '../../../channels/channel-service.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { testStation, type TestStation } from '../../../../test/helpers/test-app.js';
import { noisyImage, type Simulator } from '../../../../test/simulators/sim-kit.js';
import { startStabilitySimulator, STABILITY_SIM_KEY } from '../../../../test/simulators/stability.js';

const PRICE = 6_500;
const SEED = 4242;

describe('stability pass-through', () => {
  let sim: Simulator;
  let station: TestStation;
  let url: string;
  let key: { id: string; plaintext: string };
  let imageDir: string;
  let expected: Buffer;

  before(async () => {
    sim = await startStabilitySimulator({ noisy: true });
    expected = await noisyImage(1024, 1024, 'png', SEED);
  });
  after(() => sim.close());

  beforeEach(async () => {
    sim.faults.length = 0;
    sim.stalledClosed.length = 0;
    imageDir = mkdtempSync(path.join(tmpdir(), 'aigate-pass-'));
    station = await testStation({ env: { AIGATE_IMAGE_STORE: 'disk', AIGATE_IMAGE_DIR: imageDir } });
    const service = channelService(station.store, station.secrets, station.config.models);
    await service.setEnabled('sandbox', false);
    await service.add({ provider: 'stability', name: 'up', baseUrl: sim.url, credentials: STABILITY_SIM_KEY, priority: 1 });
    key = await station.key({ credits: '100' });
    url = await station.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await station.close();
    rmSync(imageDir, { recursive: true, force: true });
  });

  const post = (accept: string, signal?: AbortSignal) => {
    const form = multipart({ prompt: 'a lighthouse', model: 'sd3.5-large', seed: String(SEED) });
    return fetch(`${url}/v2beta/stable-image/generate/sd3`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.plaintext}`, 'content-type': form.contentType, accept },
      body: form.body,
      signal,
    });
  };
  const money = async () => {
    const k = (await station.store.keys.get(key.id))!;
    const charges = (await station.store.credits.ledger(key.id)).filter((e) => e.kind === 'charge');
    return { balance: k.balance, held: k.held, charges: charges.length, open: await station.store.credits.openHolds(key.id) };
  };
  const rowOf = async (requestId: string) => {
    await station.usageLogged(requestId);
    const row = (await station.store.usage.query({ limit: 10 })).find((r) => r.requestId === requestId);
    assert.ok(row, 'a usage row');
    return row;
  };

  it('image/*: the upstream bytes exactly, with their length and Stability headers, charged once and kept', async () => {
    const response = await post('image/*');
    assert.equal(response.status, 200);
    assert.deepEqual(
      ['content-type', 'content-length', 'finish-reason', 'seed', 'x-aigate-channel'].map((h) => response.headers.get(h)),
      ['image/png', String(expected.length), 'SUCCESS', String(SEED), 'up'],
    );
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), expected);
    const requestId = response.headers.get('x-request-id')!;
    const row = await rowOf(requestId);
    assert.deepEqual([row.status, row.credits, row.errorName], [200, PRICE, null]);
    assert.deepEqual(await money(), { balance: 100_000 - PRICE, held: 0, charges: 1, open: 0 });
    const image = await station.store.images.find(requestId);
    assert.ok(image, 'the delivered image is kept');
    assert.deepEqual(readFileSync(path.join(imageDir, image.key)), expected);
  });

  it('application/json: Stability’s JSON with the base64 of the same bytes and an exact content-length', async () => {
    const response = await post('application/json');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; type=image/png');
    const text = await response.text();
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.deepEqual(JSON.parse(text), { image: expected.toString('base64'), finish_reason: 'SUCCESS', seed: SEED });
    assert.deepEqual(await money(), { balance: 100_000 - PRICE, held: 0, charges: 1, open: 0 });
  });

  it('an answer cut off after its head: the client’s body breaks, nothing is charged, the row says 502', async () => {
    sim.faults.push({ kind: 'cut-after', bytes: Math.floor(expected.length / 2) });
    const response = await post('image/*');
    assert.equal(response.status, 200, 'the head went out before the upstream broke off');
    await assert.rejects(response.arrayBuffer(), 'the body must not end as if it were whole');
    const row = await rowOf(response.headers.get('x-request-id')!);
    assert.deepEqual([row.status, row.errorName, row.credits], [502, 'upstream_error', 0]);
    assert.deepEqual(row.attempts.map((a) => `${a.channel}:${a.outcome}`), ['up:broken']);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
    assert.equal(await station.store.images.find(response.headers.get('x-request-id')!), undefined);
  });

  it('an answer cut off inside its head (nothing sent yet) is a clean 502 in Stability’s shape, not charged', async () => {
    sim.faults.push({ kind: 'cut-after', bytes: 10 });
    const response = await post('image/*');
    assert.equal(response.status, 502);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(((await response.json()) as { name: string }).name, 'upstream_error');
    const row = await rowOf(response.headers.get('x-request-id')!);
    assert.deepEqual([row.status, row.errorName, row.credits], [502, 'upstream_error', 0]);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });

  it('a client that leaves mid-image: the upstream connection is closed, nothing is charged, the row says 499', async () => {
    sim.faults.push({ kind: 'stall-after', bytes: Math.floor(expected.length / 2) });
    const leave = new AbortController();
    const response = await post('image/*', leave.signal);
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    assert.ok((await reader.read()).value, 'the first bytes arrived');
    leave.abort();
    await sim.stalledClosed[0];
    const row = await rowOf(response.headers.get('x-request-id')!);
    assert.deepEqual([row.status, row.errorName, row.credits], [499, 'client_closed_request', 0]);
    assert.deepEqual(await money(), { balance: 100_000, held: 0, charges: 0, open: 0 });
  });
});
