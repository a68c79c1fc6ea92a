/** @module Request mapping of the Fireworks provider: exact upstream bodies, models, formats, sizes, seeds. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startFireworksSimulator } from '../../../test/simulators/fireworks.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import type { ChannelSettings, GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { createFireworksProvider } from './index.js';
import { buildCall, imageGenerationFields, type CallPlan } from './request.js';

const KEY = 'fw_unit_key';
const live = () => ({ signal: AbortSignal.timeout(10_000) });
const plan = (over: Partial<CallPlan> = {}): CallPlan => ({ model: 'stable-diffusion-3p5-large', api: 'workflows', seed: 1234, steps: 28, safetyCheck: true, ...over });

async function pngInput(width: number, height: number): Promise<NonNullable<GenerationRequest['image']>> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: '#336699' } }).png().toBuffer();
  return { bytes, format: 'png', width, height };
}

describe('fireworks request mapping', () => {
  it('sends SD3.5 text-to-image as JSON to workflows/<model>/text_to_image', () => {
    const call = buildCall(baseRequest({ width: 1344, height: 768, aspectRatio: '16:9' }), plan(), 'https://api.fireworks.ai', KEY);
    assert.equal(call.url, 'https://api.fireworks.ai/inference/v1/workflows/accounts/fireworks/models/stable-diffusion-3p5-large/text_to_image');
    assert.deepEqual(call.headers, { authorization: `Bearer ${KEY}`, accept: 'image/png', 'content-type': 'application/json' });
    assert.deepEqual(JSON.parse(String(call.body)), {
      prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', aspect_ratio: '16:9', guidance_scale: 4, num_inference_steps: 28, seed: 1234, safety_check: true,
    });
  });

  it('leaves out what the request does not set and asks jpeg as jpeg, webp as png', () => {
    const request = baseRequest({ negativePrompt: undefined, cfgScale: undefined, outputFormat: 'jpeg' });
    const call = buildCall(request, plan({ steps: undefined, safetyCheck: false }), 'http://x', KEY);
    assert.equal(call.headers.accept, 'image/jpeg');
    assert.deepEqual(JSON.parse(String(call.body)), { prompt: 'a lighthouse on a cliff', aspect_ratio: '1:1', seed: 1234, safety_check: false });
    assert.equal(buildCall(baseRequest({ outputFormat: 'webp' }), plan(), 'http://x', KEY).headers.accept, 'image/png');
  });

  it('sends SDXL text-to-image to image_generation/<model> with an accepted pixel size and an integer cfg', () => {
    const sdxl = plan({ model: 'stable-diffusion-xl-1024-v1-0', api: 'image_generation', steps: 30 });
    const call = buildCall(baseRequest({ width: 1088, height: 896, aspectRatio: '5:4', cfgScale: 4.6 }), sdxl, 'http://x', KEY);
    assert.equal(call.url, 'http://x/inference/v1/image_generation/accounts/fireworks/models/stable-diffusion-xl-1024-v1-0');
    assert.deepEqual(JSON.parse(String(call.body)), {
      prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', width: 1152, height: 896, cfg_scale: 5, steps: 30, seed: 1234, safety_check: true,
    });
  });

  it('sends image-to-image as multipart to .../image_to_image with image_strength = 1 - strength', async () => {
    const request = baseRequest({ image: await pngInput(640, 480), strength: 0.7, width: 1216, height: 832, aspectRatio: '3:2' });
    const sdxl = plan({ model: 'accounts/acme/models/my-sdxl', api: 'image_generation', steps: 30 });
    assert.deepEqual(imageGenerationFields(request, sdxl), {
      prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', width: 1216, height: 832, cfg_scale: 4, steps: 30, seed: 1234, safety_check: true,
      init_image_mode: 'IMAGE_STRENGTH', image_strength: 0.3,
    });
    const call = buildCall(request, sdxl, 'http://x', KEY);
    assert.equal(call.url, 'http://x/inference/v1/image_generation/accounts/acme/models/my-sdxl/image_to_image');
    assert.match(call.headers['content-type']!, /^multipart\/form-data; boundary=/);
    assert.ok(call.body.includes('name="init_image"; filename="init.png"'));
    assert.ok(call.body.includes('name="image_strength"\r\n\r\n0.3\r\n'));
  });
});

describe('fireworks provider against the simulator', () => {
  let sim: Simulator;
  const settings = (over: Partial<ChannelSettings> = {}): ChannelSettings => ({ baseUrl: sim.url, credentials: KEY, modelMap: {}, options: {}, ...over });
  before(async () => (sim = await startFireworksSimulator({ credentials: KEY })));
  after(() => sim.close());

  it('maps the station models to Fireworks SD3.5 with their default steps', async () => {
    const expected: [string, string, number][] = [
      ['sd3.5-large', 'stable-diffusion-3p5-large', 28], ['sd3.5-medium', 'stable-diffusion-3p5-medium', 28], ['sd3.5-large-turbo', 'stable-diffusion-3p5-large-turbo', 4],
    ];
    for (const [model, upstream, steps] of expected) {
      await createFireworksProvider(settings()).generate(baseRequest({ model }), live());
      assert.deepEqual([sim.calls.at(-1)?.model, sim.calls.at(-1)?.raw.num_inference_steps], [upstream, steps]);
    }
    await createFireworksProvider(settings({ options: { steps: '12', safetyCheck: 'false' } })).generate(baseRequest(), live());
    assert.deepEqual([sim.calls.at(-1)?.raw.num_inference_steps, sim.calls.at(-1)?.raw.safety_check], [12, false]);
  });

  it('does not serve what Fireworks does not host, before sending anything', async () => {
    const before = sim.requests.length;
    for (const model of ['sd3-large', 'sd3-medium', 'sd3.5-flash', 'ultra', 'core']) {
      const error = await createFireworksProvider(settings()).generate(baseRequest({ model }), live()).catch((e: unknown) => e);
      assert.ok(error instanceof UpstreamFailure && error.kind === 'server_error' && error.retryable && !error.sent, `${model}: ${String(error)}`);
    }
    const i2i = baseRequest({ image: await pngInput(64, 64), strength: 0.5 });
    const error = await createFireworksProvider(settings()).generate(i2i, live()).catch((e: unknown) => e);
    assert.ok(error instanceof UpstreamFailure && error.kind === 'server_error' && /image-to-image/.test(error.message));
    assert.equal(sim.requests.length, before);
  });

  it('does image-to-image on an SDXL model at the exact requested size', async () => {
    const provider = createFireworksProvider(settings({ modelMap: { 'sd3.5-large': 'stable-diffusion-xl-1024-v1-0' } }));
    const request = baseRequest({ image: await pngInput(640, 480), strength: 0.6, width: 1088, height: 896, aspectRatio: '5:4', outputFormat: 'jpeg' });
    const result = await provider.generate(request, live());
    const seen = sim.calls.at(-1)!;
    assert.deepEqual([seen.hasImage, seen.strength, seen.width, seen.height, seen.outputFormat], [true, 0.6, 1152, 896, 'jpeg']);
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, result.format], ['jpeg', 1088, 896, 'jpeg']);
  });

  it('asks png for webp and converts; reports the seed it chose for seed 0', async () => {
    const result = await createFireworksProvider(settings()).generate(baseRequest({ seed: 0, outputFormat: 'webp' }), live());
    const seen = sim.calls.at(-1)!;
    assert.equal(seen.outputFormat, 'png');
    assert.equal((await sharp(result.bytes).metadata()).format, 'webp');
    assert.ok(seen.seed! > 0 && seen.seed! <= 4294967294);
    assert.equal(result.seed, seen.seed);
  });

  it('passes CONTENT_FILTERED through as a result, not an error', async () => {
    sim.faults.push({ kind: 'moderation' });
    const result = await createFireworksProvider(settings()).generate(baseRequest(), live());
    assert.equal(result.finishReason, 'CONTENT_FILTERED');
    assert.deepEqual([(await sharp(result.bytes).metadata()).width, result.seed], [1024, 1234]);
  });
});
