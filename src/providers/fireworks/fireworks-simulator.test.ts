/** @module The Fireworks simulator refuses what Fireworks refuses, so adapter mistakes cannot pass unseen. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startFireworksSimulator } from '../../../test/simulators/fireworks.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';

const KEY = 'fw_sim_test';
const SD35 = '/inference/v1/workflows/accounts/fireworks/models/stable-diffusion-3p5-large/text_to_image';
const SDXL = '/inference/v1/image_generation/accounts/fireworks/models/stable-diffusion-xl-1024-v1-0';

describe('fireworks simulator', () => {
  let sim: Simulator;
  before(async () => (sim = await startFireworksSimulator({ credentials: KEY })));
  after(() => sim.close());

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const answer = await request(`${sim.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, accept: 'image/png', 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await answer.body.text();
    return { status: answer.statusCode, headers: answer.headers, text };
  }

  it('answers an image with Finish-Reason and Seed at the aspect ratio size', async () => {
    const answer = await post(SD35, { prompt: 'a cat', aspect_ratio: '21:9', seed: 77 });
    assert.deepEqual([answer.status, answer.headers['content-type'], answer.headers['finish-reason'], answer.headers.seed], [200, 'image/png', 'SUCCESS', '77']);
    assert.deepEqual([sim.calls.at(-1)?.width, sim.calls.at(-1)?.height], [1536, 640]);
  });

  it('refuses a missing or wrong key with Fireworks\' 401 body', async () => {
    const answer = await post(SD35, { prompt: 'a cat' }, { authorization: 'Bearer nope' });
    assert.equal(answer.status, 401);
    assert.deepEqual(JSON.parse(answer.text).error, { message: 'The API key you provided is invalid.', param: null, code: 'UNAUTHORIZED', type: 'error' });
  });

  it('refuses unknown fields, wrong types, sizes off the SDXL list and a missing prompt', async () => {
    const cases: [string, unknown, string][] = [
      [SD35, { prompt: 'a cat', cfg_scale: 4 }, 'cfg_scale'],
      [SD35, { prompt: 'a cat', seed: '12' }, 'seed'],
      [SD35, { prompt: 'a cat', aspect_ratio: '7:5' }, 'aspect_ratio'],
      [SD35, { negative_prompt: 'x' }, 'prompt'],
      [SDXL, { prompt: 'a cat', width: 1088, height: 896 }, 'height'],
      [SDXL, { prompt: 'a cat', cfg_scale: 4.5 }, 'cfg_scale'],
    ];
    for (const [path, body, param] of cases) {
      const answer = await post(path, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(JSON.parse(answer.text).error.param, param);
    }
  });

  it('refuses JSON on image_to_image and an unknown path', async () => {
    assert.equal((await post(`${SDXL}/image_to_image`, { prompt: 'a cat' })).status, 400);
    assert.equal((await post('/inference/v1/image_generation/stable-diffusion-3p5-large', { prompt: 'a cat' })).status, 404);
  });
});
