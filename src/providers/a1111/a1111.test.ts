/** @module Unit tests of the a1111 request mapping: exact bodies, model mapping, seeds, formats, auth. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startA1111Simulator } from '../../../test/simulators/a1111.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { resultFrom, seedFromInfo } from './answer.js';
import { a1111Definition, authorizationFor } from './index.js';
import { checkA1111Options } from './options.js';
import { buildCall, checkpointFor } from './request-body.js';

const defaults = checkA1111Options({});
const png = (w = 64, h = 64) => sharp({ create: { width: w, height: h, channels: 3, background: '#204080' } }).png().toBuffer();
const answer = async (info: unknown, image?: Buffer) =>
  Buffer.from(JSON.stringify({ images: [(image ?? (await png())).toString('base64')], parameters: {}, ...(info === undefined ? {} : { info }) }));

describe('a1111 request body', () => {
  it('maps a text-to-image request onto /sdapi/v1/txt2img', () => {
    const call = buildCall(baseRequest({ width: 1344, height: 768 }), undefined, defaults);
    assert.equal(call.path, '/sdapi/v1/txt2img');
    assert.deepEqual(call.body, {
      prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', seed: 1234, width: 1344, height: 768, cfg_scale: 4,
      steps: 28, sampler_name: 'Euler', batch_size: 1, n_iter: 1, send_images: true, save_images: false,
    });
  });

  it('maps an image-to-image request onto /sdapi/v1/img2img with the same strength', async () => {
    const bytes = await png(640, 480);
    const options = checkA1111Options({ steps: '40', sampler: 'DPM++ 2M', scheduler: 'Karras' });
    const request = baseRequest({ image: { bytes, format: 'png', width: 640, height: 480 }, strength: 0.35, width: 1088, height: 896, negativePrompt: undefined });
    const call = buildCall(request, 'sd3.5_large.safetensors [cc236278d2]', options);
    assert.equal(call.path, '/sdapi/v1/img2img');
    assert.deepEqual(call.body, {
      prompt: 'a lighthouse on a cliff', seed: 1234, width: 1088, height: 896, cfg_scale: 4, steps: 40, sampler_name: 'DPM++ 2M',
      scheduler: 'Karras', batch_size: 1, n_iter: 1, override_settings: { sd_model_checkpoint: 'sd3.5_large.safetensors [cc236278d2]' },
      send_images: true, save_images: false, init_images: [bytes.toString('base64')], denoising_strength: 0.35, resize_mode: 1,
    });
  });

  it('picks and sends its own seed for seed 0, never -1', () => {
    const call = buildCall(baseRequest({ seed: 0 }), undefined, defaults, () => 31337);
    assert.equal(call.body.seed, 31337);
    assert.equal(call.sentSeed, 31337);
  });
});

describe('a1111 model mapping', () => {
  it('uses the channel map as the checkpoint and lets the loaded model serve unmapped sd3 models', () => {
    assert.equal(checkpointFor(baseRequest(), { 'sd3.5-large': 'sd3.5_large' }), 'sd3.5_large');
    assert.equal(checkpointFor(baseRequest({ model: 'sd3-medium' }), { 'sd3.5-large': 'sd3.5_large' }), undefined);
    assert.equal('override_settings' in buildCall(baseRequest(), undefined, defaults).body, false);
  });

  it('refuses ultra and core unless the channel maps them, before sending anything', () => {
    const error = (() => {
      try {
        return checkpointFor(baseRequest({ endpoint: 'ultra', model: 'ultra', cfgScale: undefined }), {});
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof UpstreamFailure);
    assert.deepEqual([error.kind, error.sent, error.retryable, error.message], ['server_error', false, true, 'a1111 does not serve ultra']);
    assert.equal(checkpointFor(baseRequest({ endpoint: 'core', model: 'core' }), { core: 'juggernautXL' }), 'juggernautXL');
  });

  it('merges overrideSettings, the mapped checkpoint winning', () => {
    const options = checkA1111Options({ overrideSettings: '{"CLIP_stop_at_last_layers":2,"sd_model_checkpoint":"base"}' });
    assert.deepEqual(buildCall(baseRequest(), 'mapped', options).body.override_settings, { CLIP_stop_at_last_layers: 2, sd_model_checkpoint: 'mapped' });
    assert.deepEqual(buildCall(baseRequest(), undefined, options).body.override_settings, { CLIP_stop_at_last_layers: 2, sd_model_checkpoint: 'base' });
  });
});

describe('a1111 answer', () => {
  it('reports the seed from info, whatever was sent', async () => {
    const info = JSON.stringify({ seed: 3141592653, all_seeds: [3141592653], subseed: 1 });
    assert.equal((await resultFrom(await answer(info), baseRequest({ seed: 0 }), -1)).seed, 3141592653);
    assert.equal(seedFromInfo({ all_seeds: [77] }), 77);
    assert.equal(seedFromInfo('not json'), undefined);
    assert.equal(seedFromInfo(JSON.stringify({ seed: 0 })), undefined);
  });

  it('falls back to the sent seed when info is missing, unparsable or has no seed', async () => {
    assert.equal((await resultFrom(await answer(undefined), baseRequest(), 1234)).seed, 1234);
    assert.equal((await resultFrom(await answer('{oops'), baseRequest(), 1234)).seed, 1234);
    assert.equal((await resultFrom(await answer('{}'), baseRequest({ seed: 0 }), 777)).seed, 777);
  });

  it('converts the PNG only when another format is asked, and accepts a data: prefix or a JPEG', async () => {
    const info = JSON.stringify({ seed: 5 });
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const result = await resultFrom(await answer(info), baseRequest({ outputFormat: format }), 5);
      assert.deepEqual([(await sharp(result.bytes).metadata()).format, result.format, result.finishReason], [format, format, 'SUCCESS']);
    }
    const jpeg = await sharp(await png()).jpeg().toBuffer();
    const body = Buffer.from(JSON.stringify({ images: [`data:image/jpeg;base64,${jpeg.toString('base64')}`], info }));
    assert.equal((await sharp((await resultFrom(body, baseRequest(), 5)).bytes).metadata()).format, 'png');
  });

  it('is broken when the body breaks the protocol', async () => {
    for (const body of ['<html>', '[]', '{"images": []}', '{"images": ["***"]}', JSON.stringify({ images: ['aGVsbG8='], info: '{"seed":9}' })]) {
      await assert.rejects(resultFrom(Buffer.from(body), baseRequest(), 1234), (e) => e instanceof UpstreamFailure && e.kind === 'broken', body);
    }
  });
});

describe('a1111 against the simulator', () => {
  let sim: Simulator;
  before(async () => (sim = await startA1111Simulator({ credentials: 'user:pa:ss' })));
  after(() => sim.close());
  const settings = { credentials: 'user:pa:ss', modelMap: { 'sd3.5-large': 'sd3.5_large [ffdeadbe]' }, options: { steps: 12 } };

  it('sends Basic auth and the exact body, and reports the server-picked seed', async () => {
    assert.deepEqual(authorizationFor('user:pass'), { authorization: 'Basic dXNlcjpwYXNz' });
    assert.deepEqual(authorizationFor(null), {});
    const result = await a1111Definition.create({ baseUrl: `${sim.url}/`, ...settings }).generate(baseRequest({ seed: 0, outputFormat: 'webp' }), { signal: AbortSignal.timeout(5000) });
    const seen = sim.calls.at(-1)!;
    assert.deepEqual([seen.path, seen.credential, seen.model, seen.raw.seed, seen.raw.steps], ['/sdapi/v1/txt2img', 'user:pa:ss', 'sd3.5_large [ffdeadbe]', result.seed, 12]);
    assert.ok(result.seed >= 1 && result.seed <= 4_294_967_294);
    assert.deepEqual([(await sharp(result.bytes).metadata()).format, result.format], ['webp', 'webp']);
  });
});
