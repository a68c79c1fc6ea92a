/** @module Checks that the Replicate simulator refuses what Replicate refuses, so the contract suite tests the real protocol. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { NSFW_ERROR, REPLICATE_SIM_TOKEN, startReplicateSimulator } from '../../../test/simulators/replicate.js';

let sim: Simulator;
before(async () => (sim = await startReplicateSimulator({ pollSteps: 1 })));
after(async () => sim.close());

const create = async (input: unknown, token: string | null = REPLICATE_SIM_TOKEN, model = 'stability-ai/stable-diffusion-3.5-large') => {
  const res = await fetch(`${sim.url}/v1/models/${model}/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ input }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('replicate simulator', () => {
  it('answers 401 in Replicate words for a missing or wrong token', async () => {
    assert.deepEqual(await create({ prompt: 'x' }, null), { status: 401, body: { title: 'Unauthenticated', detail: 'You did not pass an authentication token', status: 401 } });
    assert.equal((await create({ prompt: 'x' }, 'r8_nope')).body.detail, 'You did not pass a valid authentication token');
  });

  it("checks the input against the model's schema: unknown key, wrong type, range, enum, required", async () => {
    const { status, body } = await create({ steps: 4, cfg: '4', prompt_strength: 2, output_format: 'jpeg' });
    assert.equal(status, 422);
    assert.equal(body.title, 'Input validation failed');
    assert.deepEqual(body.invalid_fields, [
      { type: 'required', field: 'input', description: 'prompt is required' },
      { type: 'additional_property_not_allowed', field: 'input', description: 'Additional property steps is not allowed' },
      { type: 'invalid_type', field: 'input.cfg', description: 'Invalid type. Expected: number, given: string' },
      { type: 'number_lte', field: 'input.prompt_strength', description: 'Must be less than or equal to 1' },
      { type: 'enum', field: 'input.output_format', description: 'output_format must be one of the following: "webp", "jpg", "png"' },
    ]);
    // The turbo model has steps but no negative_prompt.
    const turbo = await create({ prompt: 'x', steps: 4, negative_prompt: 'y' }, REPLICATE_SIM_TOKEN, 'stability-ai/stable-diffusion-3.5-large-turbo');
    assert.deepEqual(turbo.body.invalid_fields, [{ type: 'additional_property_not_allowed', field: 'input', description: 'Additional property negative_prompt is not allowed' }]);
  });

  it('keeps a prediction processing for pollSteps polls, then serves its output without auth', async () => {
    const { status, body } = await create({ prompt: 'x', aspect_ratio: '21:9', output_format: 'jpg', seed: 5 });
    assert.deepEqual([status, body.status], [202, 'processing']);
    const poll = async () => (await (await fetch(`${sim.url}/v1/predictions/${String(body.id)}`, { headers: { authorization: `Bearer ${REPLICATE_SIM_TOKEN}` } })).json()) as Record<string, unknown>;
    assert.equal((await poll()).status, 'processing');
    const done = await poll();
    assert.equal(done.status, 'succeeded');
    const file = await fetch(String(done.output));
    assert.deepEqual([file.status, file.headers.get('content-type')], [200, 'image/jpeg']);
    assert.deepEqual([sim.calls.at(-1)?.width, sim.calls.at(-1)?.height, sim.calls.at(-1)?.outputFormat], [1536, 640, 'jpeg']);
  });

  it("ends a moderated prediction failed with the safety checker's message", async () => {
    sim.faults.push({ kind: 'moderation' });
    const { body } = await create({ prompt: 'x' });
    const poll = async () => (await (await fetch(`${sim.url}/v1/predictions/${String(body.id)}`, { headers: { authorization: `Bearer ${REPLICATE_SIM_TOKEN}` } })).json()) as Record<string, unknown>;
    await poll();
    assert.deepEqual(await poll().then((p) => [p.status, p.error, p.output]), ['failed', NSFW_ERROR, null]);
  });
});
