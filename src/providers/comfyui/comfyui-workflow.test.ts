/** @module The ComfyUI provider's options: checkOptions, and operator workflows with {{placeholders}}. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startComfyuiSimulator } from '../../../test/simulators/comfyui.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import { comfyuiDefinition } from './index.js';
import { parseOptions } from './options.js';

const live = () => ({ signal: AbortSignal.timeout(10_000) });

/** A UNET-style SD3.5 workflow as ComfyUI's "Save (API Format)" exports it, with our placeholders. */
const unetWorkflow = (withImage: boolean) => ({
  '1': { class_type: 'UNETLoader', inputs: { unet_name: '{{checkpoint}}', weight_dtype: 'default' } },
  '2': { class_type: 'TripleCLIPLoader', inputs: { clip_name1: 'clip_l.safetensors', clip_name2: 'clip_g.safetensors', clip_name3: 't5xxl_fp8_e4m3fn.safetensors' } },
  '3': { class_type: 'VAELoader', inputs: { vae_name: 'sd35_vae.safetensors' } },
  '4': { class_type: 'CLIPTextEncode', inputs: { text: 'cinematic photo of {{prompt}}', clip: ['2', 0] } },
  '5': { class_type: 'CLIPTextEncode', inputs: { text: '{{negative_prompt}}', clip: ['2', 0] } },
  '6': withImage
    ? { class_type: 'VAEEncode', inputs: { pixels: ['10', 0], vae: ['3', 0] } }
    : { class_type: 'EmptySD3LatentImage', inputs: { width: '{{width}}', height: '{{height}}', batch_size: 1 } },
  '7': { class_type: 'KSampler', inputs: { model: ['1', 0], seed: '{{seed}}', steps: '{{steps}}', cfg: '{{cfg}}', sampler_name: 'euler', scheduler: 'simple', positive: ['4', 0], negative: ['5', 0], latent_image: ['6', 0], denoise: '{{denoise}}' } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['7', 0], vae: ['3', 0] } },
  '42': { class_type: 'SaveImage', inputs: { filename_prefix: 'operator', images: ['8', 0] } },
  ...(withImage
    ? { '9': { class_type: 'LoadImage', inputs: { image: '{{image}}' } }, '10': { class_type: 'ImageScale', inputs: { image: ['9', 0], upscale_method: 'bicubic', width: '{{width}}', height: '{{height}}', crop: 'center' } } }
    : {}),
});

describe('comfyui: checkOptions', () => {
  const check = (options: Record<string, unknown>) => () => comfyuiDefinition.checkOptions!(options);
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ stepz: 20 }, /option stepz: unknown/],
    [{ steps: 0 }, /option steps: must be an integer from 1 to 10000/],
    [{ steps: '2.5' }, /option steps/],
    [{ shift: 'lots' }, /option shift: must be a number/],
    [{ checkpoint: '' }, /option checkpoint: must be a non-empty string/],
    [{ textEncoders: 'a.safetensors,b.safetensors' }, /option textEncoders/],
    [{ auth: 'digest' }, /option auth/],
    [{ workflow: '{not json' }, /option workflow: is not valid JSON/],
    [{ workflow: { '1': { inputs: {} } } }, /option workflow: node 1 needs a string class_type/],
    [{ workflow: { '1': { class_type: 'KSampler', inputs: {} } } }, /option workflow: needs exactly one SaveImage node, found 0/],
    [{ workflow: { ...unetWorkflow(false), '4': { class_type: 'CLIPTextEncode', inputs: { text: '{{promt}}' } } } }, /option workflow: unknown placeholder \{\{promt\}\}/],
    [{ workflow: unetWorkflow(true) }, /option workflow: \{\{image\}\} belongs in the imageWorkflow option/],
    [{ imageWorkflow: unetWorkflow(false) }, /option imageWorkflow: an image-to-image workflow must load the input/],
  ];
  for (const [options, message] of bad) it(`refuses ${JSON.stringify(options).slice(0, 60)}`, () => assert.throws(check(options), message));

  it('accepts the CLI\'s strings: numbers, and a workflow as JSON text', () => {
    const parsed = parseOptions({ steps: '8', cfg: '1.5', pollIntervalMs: '250', workflow: JSON.stringify(unetWorkflow(false)), textEncoders: 'checkpoint', auth: 'basic' });
    assert.deepEqual([parsed.steps, parsed.cfg, parsed.pollIntervalMs, parsed.textEncoders, parsed.auth], [8, 1.5, 250, null, 'basic']);
    assert.equal(parsed.workflow?.['42']?.class_type, 'SaveImage');
    assert.doesNotThrow(check({}));
  });
});

describe('comfyui: operator workflows', () => {
  let sim: Simulator;
  before(async () => (sim = await startComfyuiSimulator()));
  after(() => sim.close());
  const provider = () =>
    comfyuiDefinition.create({
      baseUrl: sim.url,
      credentials: null,
      modelMap: { 'sd3.5-large': 'sd3.5_large.safetensors' },
      options: { pollIntervalMs: 2, steps: 30, workflow: unetWorkflow(false), imageWorkflow: JSON.stringify(unetWorkflow(true)) },
    });
  const queued = () => (sim.calls.at(-1)!.raw as { prompt: Record<string, { inputs: Record<string, unknown> }> }).prompt;

  it('fills the text-to-image workflow: whole placeholders typed, inner ones interpolated, the SaveImage node read', async () => {
    const result = await provider().generate(baseRequest({ seed: 77, width: 832, height: 1216, cfgScale: 3.5 }), live());
    const prompt = queued();
    assert.deepEqual(prompt['7']!.inputs, { model: ['1', 0], seed: 77, steps: 30, cfg: 3.5, sampler_name: 'euler', scheduler: 'simple', positive: ['4', 0], negative: ['5', 0], latent_image: ['6', 0], denoise: 1 });
    assert.deepEqual([prompt['1']!.inputs.unet_name, prompt['4']!.inputs.text, prompt['5']!.inputs.text], ['sd3.5_large.safetensors', 'cinematic photo of a lighthouse on a cliff', 'fog']);
    assert.deepEqual(prompt['6']!.inputs, { width: 832, height: 1216, batch_size: 1 });
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.width, meta.height, result.seed], [832, 1216, 77]);
  });

  it('uses imageWorkflow for image-to-image, with the uploaded name and the strength as denoise', async () => {
    const input = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } }).png().toBuffer();
    await provider().generate(baseRequest({ image: { bytes: input, format: 'png', width: 300, height: 200 }, strength: 0.8 }), live());
    const prompt = queued();
    assert.match(prompt['9']!.inputs.image as string, /^aigate-[0-9a-f-]{36}\.png$/);
    assert.deepEqual([prompt['7']!.inputs.denoise, prompt['10']!.inputs.width, prompt['10']!.inputs.height], [0.8, 1024, 1024]);
  });
});
