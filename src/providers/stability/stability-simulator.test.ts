/** @module Checks that the Stability simulator refuses and answers the way Stability does, so the contract run means something. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { startStabilitySimulator, STABILITY_SIM_KEY } from '../../../test/simulators/stability.js';

describe('stability simulator', () => {
  let sim: Simulator;
  before(async () => (sim = await startStabilitySimulator()));
  after(() => sim.close());

  const post = (endpoint: string, fields: Record<string, string | Blob>, headers: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${sim.url}/v2beta/stable-image/generate/${endpoint}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STABILITY_SIM_KEY}`, accept: 'image/*', ...headers },
      body: form,
    });
  };

  it('lists every validation problem in a 400, before it looks at the key', async () => {
    const response = await post('sd3', { output_format: 'gif', model: 'sd9', mode: 'image-to-image', aspect_ratio: '1:1' }, { authorization: 'Bearer wrong' });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { id: string; name: string; errors: string[] };
    assert.equal(body.name, 'bad_request');
    assert.match(body.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(body.errors.map((e) => e.split(':')[0]), ['prompt', 'output_format', 'model', 'image', 'strength', 'aspect_ratio']);
  });

  it('answers 401 unauthorized for a wrong key', async () => {
    const response = await post('sd3', { prompt: 'a cat' }, { authorization: 'Bearer sk-wrong' });
    assert.equal(response.status, 401);
    assert.deepEqual(((await response.json()) as { name: string; errors: string[] }).errors, ['authorization: invalid or missing header value']);
  });

  it('answers the faults with Stability’s own names', async () => {
    sim.faults.push({ kind: 'status', status: 402 }, { kind: 'moderation' });
    const payment = await post('sd3', { prompt: 'a cat' });
    assert.deepEqual([payment.status, ((await payment.json()) as { name: string }).name], [402, 'payment_required']);
    const moderated = await post('sd3', { prompt: 'a cat' });
    assert.deepEqual([moderated.status, ((await moderated.json()) as { name: string }).name], [403, 'content_moderation']);
  });

  it('produces Stability’s sizes: the 1 MP table, core at 1.5 MP, image-to-image nearest the input', async () => {
    const input = await sharp({ create: { width: 300, height: 600, channels: 3, background: '#888' } }).png().toBuffer();
    const cases: [string, Record<string, string | Blob>, number, number][] = [
      ['sd3', { prompt: 'a', aspect_ratio: '21:9' }, 1536, 640],
      ['ultra', { prompt: 'a' }, 1024, 1024],
      ['core', { prompt: 'a', aspect_ratio: '1:1' }, 1536, 1536],
      ['sd3', { prompt: 'a', mode: 'image-to-image', strength: '0.5', image: new Blob([input], { type: 'image/png' }) }, 768, 1344],
    ];
    for (const [endpoint, fields, width, height] of cases) {
      const response = await post(endpoint, { ...fields, output_format: 'webp', seed: '12' });
      assert.equal(response.status, 200, `${endpoint} ${JSON.stringify(Object.keys(fields))}`);
      assert.deepEqual([response.headers.get('content-type'), response.headers.get('finish-reason'), response.headers.get('seed')], ['image/webp', 'SUCCESS', '12']);
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', width, height]);
    }
  });

  it('picks a seed for seed 0 and answers JSON when asked', async () => {
    const response = await post('sd3', { prompt: 'a', seed: '0' }, { accept: 'application/json' });
    assert.equal(response.headers.get('content-type'), 'application/json; type=image/png');
    const body = (await response.json()) as { image: string; finish_reason: string; seed: number };
    assert.ok(body.seed >= 1 && body.seed <= 4_294_967_294);
    assert.equal(body.finish_reason, 'SUCCESS');
    assert.equal(sim.calls.at(-1)?.seed, 0);
  });
});
