/** @module Request mapping of the ComfyUI provider: the exact workflows it queues, models, formats, seeds, cfg. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startComfyuiSimulator } from '../../../test/simulators/comfyui.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import type { ChannelSettings } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { comfyuiDefinition } from './index.js';

const live = () => ({ signal: AbortSignal.timeout(10_000) });
let sim: Simulator;
const settings = (over: Partial<ChannelSettings> = {}): ChannelSettings => ({ baseUrl: sim.url, credentials: null, modelMap: {}, options: { pollIntervalMs: 2 }, ...over });
const run = (over: Partial<ChannelSettings>, request = baseRequest()) => comfyuiDefinition.create(settings(over)).generate(request, live());
const queued = () => (sim.calls.at(-1)!.raw as { prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>; client_id: string });

before(async () => (sim = await startComfyuiSimulator({ pollSteps: 1 })));
after(() => sim.close());

describe('comfyui: text-to-image', () => {
  it('queues the SD3.5 workflow with every value in place, numbers as numbers', async () => {
    const result = await run({}, baseRequest({ width: 1344, height: 768, seed: 4242, cfgScale: 4.5, negativePrompt: 'fog' }));
    const { prompt, client_id } = queued();
    assert.match(client_id, /^[0-9a-f-]{36}$/);
    const meta = (title: string) => ({ title });
    assert.deepEqual(JSON.parse(JSON.stringify(prompt)), {
      '3': { class_type: 'KSampler', _meta: meta('KSampler'), inputs: { model: ['13', 0], seed: 4242, steps: 28, cfg: 4.5, sampler_name: 'euler', scheduler: 'sgm_uniform', positive: ['6', 0], negative: ['7', 0], latent_image: ['53', 0], denoise: 1 } },
      '4': { class_type: 'CheckpointLoaderSimple', _meta: meta('Load Checkpoint'), inputs: { ckpt_name: 'sd3.5_large.safetensors' } },
      '6': { class_type: 'CLIPTextEncode', _meta: meta('Positive Prompt'), inputs: { text: 'a lighthouse on a cliff', clip: ['11', 0] } },
      '7': { class_type: 'CLIPTextEncode', _meta: meta('Negative Prompt'), inputs: { text: 'fog', clip: ['11', 0] } },
      '8': { class_type: 'VAEDecode', _meta: meta('VAE Decode'), inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', _meta: meta('Save Image'), inputs: { filename_prefix: 'aigate', images: ['8', 0] } },
      '11': { class_type: 'TripleCLIPLoader', _meta: meta('TripleCLIPLoader'), inputs: { clip_name1: 'clip_l.safetensors', clip_name2: 'clip_g.safetensors', clip_name3: 't5xxl_fp16.safetensors' } },
      '13': { class_type: 'ModelSamplingSD3', _meta: meta('ModelSamplingSD3'), inputs: { model: ['4', 0], shift: 3 } },
      '53': { class_type: 'EmptySD3LatentImage', _meta: meta('EmptySD3LatentImage'), inputs: { width: 1344, height: 768, batch_size: 1 } },
    });
    assert.deepEqual([result.seed, result.format, result.finishReason], [4242, 'png', 'SUCCESS']);
    const size = await sharp(result.bytes).metadata();
    assert.deepEqual([size.width, size.height], [1344, 768]);
  });

  it('follows the polling protocol: POST /prompt, empty history, history, /view', async () => {
    const from = sim.requests.length;
    await run({});
    const paths = sim.requests.slice(from).map((r) => r.replace(/[0-9a-f-]{36}/, '<id>').replace(/\?.*/, ''));
    assert.deepEqual(paths, ['POST /prompt', 'GET /history/<id>', 'GET /history/<id>', 'GET /view']);
  });

  it('takes its channel options: steps, sampler, scheduler, shift, cfg over the request, the checkpoint\'s own CLIP', async () => {
    await run({ options: { pollIntervalMs: '2', steps: '4', sampler: 'dpmpp_2m', scheduler: 'karras', shift: '1.5', cfg: '1', textEncoders: 'checkpoint', checkpoint: 'sd3.5_large_fp8_scaled.safetensors' } });
    const { prompt } = queued();
    assert.deepEqual(
      [prompt['3']!.inputs.steps, prompt['3']!.inputs.sampler_name, prompt['3']!.inputs.scheduler, prompt['3']!.inputs.cfg, prompt['13']!.inputs.shift],
      [4, 'dpmpp_2m', 'karras', 1, 1.5],
    );
    assert.deepEqual([prompt['6']!.inputs.clip, prompt['11']], [['4', 1], undefined]);
    assert.equal(sim.calls.at(-1)!.model, 'sd3.5_large_fp8_scaled.safetensors');
  });

  it('sends an empty negative prompt when the request has none', async () => {
    await run({}, baseRequest({ negativePrompt: undefined }));
    assert.equal(queued().prompt['7']!.inputs.text, '');
  });
});

describe('comfyui: image-to-image', () => {
  it('uploads the input, then loads, scales, encodes it and denoises by the strength', async () => {
    const input = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const from = sim.requests.length;
    const result = await run({}, baseRequest({ image: { bytes: input, format: 'jpeg', width: 640, height: 480 }, strength: 0.35, width: 1088, height: 896, aspectRatio: '5:4' }));
    assert.equal(sim.requests[from], 'POST /upload/image');
    const { prompt } = queued();
    const uploaded = prompt['10']!.inputs.image as string;
    assert.match(uploaded, /^aigate-[0-9a-f-]{36}\.jpg$/);
    assert.deepEqual(prompt['10'], { class_type: 'LoadImage', _meta: { title: 'Load Image' }, inputs: { image: uploaded } });
    assert.deepEqual(prompt['12']!.inputs, { image: ['10', 0], upscale_method: 'lanczos', width: 1088, height: 896, crop: 'center' });
    assert.deepEqual(prompt['14']!.inputs, { pixels: ['12', 0], vae: ['4', 2] });
    assert.deepEqual([prompt['3']!.inputs.latent_image, prompt['3']!.inputs.denoise, prompt['53']], [['14', 0], 0.35, undefined]);
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.width, meta.height, sim.calls.at(-1)!.strength], [1088, 896, 0.35]);
  });
});

describe('comfyui: models, formats, seeds', () => {
  it('maps a model through modelMap, else every sd3 model to the checkpoint option', async () => {
    await run({ modelMap: { 'sd3.5-medium': 'sd3.5_medium.safetensors' } }, baseRequest({ model: 'sd3.5-medium' }));
    assert.equal(queued().prompt['4']!.inputs.ckpt_name, 'sd3.5_medium.safetensors');
    await run({ options: { checkpoint: 'my.safetensors', pollIntervalMs: 2 } }, baseRequest({ model: 'sd3-large-turbo' }));
    assert.equal(queued().prompt['4']!.inputs.ckpt_name, 'my.safetensors');
  });

  it('refuses ultra and core unless mapped, before calling ComfyUI, so the router fails over', async () => {
    const from = sim.requests.length;
    const error = await run({}, baseRequest({ endpoint: 'ultra', model: 'ultra' })).catch((e: unknown) => e);
    assert.ok(error instanceof UpstreamFailure);
    assert.deepEqual([error.kind, error.retryable, error.message], ['server_error', true, 'comfyui does not serve ultra']);
    assert.equal(sim.requests.length, from);
    await run({ modelMap: { core: 'core-like.safetensors' } }, baseRequest({ endpoint: 'core', model: 'core', width: 1536, height: 1536 }));
    assert.equal(queued().prompt['4']!.inputs.ckpt_name, 'core-like.safetensors');
  });

  it('returns the PNG as is, and converts for jpeg and webp', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const result = await run({}, baseRequest({ outputFormat: format }));
      assert.deepEqual([(await sharp(result.bytes).metadata()).format, result.format], [format, format]);
    }
  });

  it('picks a seed for seed 0, sends it to KSampler and reports it', async () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const result = await run({}, baseRequest({ seed: 0 }));
      assert.ok(Number.isInteger(result.seed) && result.seed >= 1 && result.seed <= 4_294_967_294);
      assert.equal(queued().prompt['3']!.inputs.seed, result.seed);
      seeds.add(result.seed);
    }
    assert.ok(seeds.size > 1);
  });
});
