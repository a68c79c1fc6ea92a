/** @module Unit tests of the Stability provider: the exact form it sends, model, seed and options, and a chained aigate station. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { testStation, type TestStation } from '../../../test/helpers/test-app.js';
import { GatewayError } from '../../errors.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import type { ChannelSettings, GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { stabilityDefinition } from './index.js';
import { captureServer, inputImage, KEY, live, settingsFor, stabilityLike, type Captured } from './test-capture.js';

describe('stability provider: the request it sends', () => {
  let sim: Simulator & { seen: Captured[] };
  before(async () => (sim = await captureServer(stabilityLike())));
  after(() => sim.close());
  const generate = (request: GenerationRequest, over: Partial<ChannelSettings> = {}) =>
    stabilityDefinition.create(settingsFor(sim, over)).generate(request, live());

  it('sends text-to-image to /sd3 with every field as Stability names it', async () => {
    await generate(baseRequest({ model: 'sd3.5-medium', seed: 55, outputFormat: 'jpeg', stylePreset: 'anime', cfgScale: 4.5 }), {
      options: { clientId: 'aigate-test' },
    });
    const seen = sim.seen.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/v2beta/stable-image/generate/sd3');
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
    assert.equal(seen.headers.accept, 'image/*');
    assert.equal(seen.headers['stability-client-id'], 'aigate-test');
    assert.match(seen.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    assert.deepEqual(seen.fields, {
      prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', seed: '55', output_format: 'jpeg', style_preset: 'anime',
      model: 'sd3.5-medium', mode: 'text-to-image', cfg_scale: '4.5', aspect_ratio: '1:1',
    });
    assert.deepEqual(seen.files, {});
  });

  it('sends image-to-image with the image file and strength, and no aspect_ratio', async () => {
    const image = await inputImage(640, 480);
    await generate(baseRequest({ image, strength: 0.35, aspectRatio: '3:2', width: 1216, height: 832, negativePrompt: undefined, cfgScale: 4 }));
    const seen = sim.seen.at(-1)!;
    assert.deepEqual(seen.fields, {
      prompt: 'a lighthouse on a cliff', seed: '1234', output_format: 'png', model: 'sd3.5-large', mode: 'image-to-image', cfg_scale: '4', strength: '0.35',
    });
    assert.deepEqual(Object.keys(seen.files), ['image']);
    assert.equal(seen.files.image!.mimeType, 'image/webp');
    assert.equal(seen.files.image!.filename, 'image.webp');
    assert.ok(seen.files.image!.bytes.equals(image.bytes));
  });

  it('sends ultra and core by path, without model, mode or cfg_scale', async () => {
    const image = await inputImage(512, 512);
    await generate(baseRequest({ endpoint: 'ultra', model: 'ultra', aspectRatio: '16:9', width: 1344, height: 768, image, strength: 0.5, cfgScale: undefined }));
    let seen = sim.seen.at(-1)!;
    assert.equal(seen.path, '/v2beta/stable-image/generate/ultra');
    assert.deepEqual(seen.fields, { prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', seed: '1234', output_format: 'png', aspect_ratio: '16:9', strength: '0.5' });
    assert.deepEqual(Object.keys(seen.files), ['image']);

    await generate(baseRequest({ endpoint: 'core', model: 'core', aspectRatio: '1:1', width: 1536, height: 1536, cfgScale: undefined }));
    seen = sim.seen.at(-1)!;
    assert.equal(seen.path, '/v2beta/stable-image/generate/core');
    assert.deepEqual(seen.fields, { prompt: 'a lighthouse on a cliff', negative_prompt: 'fog', seed: '1234', output_format: 'png', aspect_ratio: '1:1' });
  });

  it('maps models: the channel map first, then Stability’s own names; others fail over before sending', async () => {
    await generate(baseRequest({ model: 'sd3.5-flash' }), { modelMap: { 'sd3.5-large': 'sd3-large' } });
    assert.equal(sim.seen.at(-1)!.fields.model, 'sd3.5-flash');
    await generate(baseRequest({ model: 'sd3.5-large' }), { modelMap: { 'sd3.5-large': 'sd3-large' } });
    assert.equal(sim.seen.at(-1)!.fields.model, 'sd3-large');
    const before = sim.seen.length;
    const error = await generate(baseRequest({ model: 'sdxl-1.0' })).catch((e: unknown) => e);
    assert.ok(error instanceof UpstreamFailure);
    assert.deepEqual([error.kind, error.retryable, error.message], ['server_error', true, 'stability does not serve sdxl-1.0']);
    const ultraMisnamed = await generate(baseRequest({ endpoint: 'ultra', model: 'ultra-2' })).catch((e: unknown) => e);
    assert.ok(ultraMisnamed instanceof UpstreamFailure && ultraMisnamed.kind === 'server_error');
    assert.equal(sim.seen.length, before, 'nothing was sent');
  });

  it('sends seed 0 as 0 and reports the seed Stability picked', async () => {
    const result = await generate(baseRequest({ seed: 0 }));
    assert.equal(sim.seen.at(-1)!.fields.seed, '0');
    assert.equal(result.seed, 31337);
  });
});

describe('stability provider: chained to a second aigate station', () => {
  let station: TestStation;
  let baseUrl: string;
  before(async () => {
    station = await testStation({ env: { AIGATE_IP_RATE_LIMIT: '10000/10s' } });
    await station.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(station.app.server.address() as AddressInfo).port}`;
  });
  after(() => station.close());
  const chained = (credentials: string, modelMap: Record<string, string> = {}) =>
    stabilityDefinition.create({ baseUrl, credentials, modelMap, options: {} });

  it('generates through it at the right size, format and seed, and it charges its key', async () => {
    const { id, plaintext } = await station.key({ credits: '20' });
    const result = await chained(plaintext).generate(baseRequest({ aspectRatio: '16:9', width: 1344, height: 768, outputFormat: 'jpeg', seed: 4242 }), live());
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1344, 768]);
    assert.deepEqual([result.format, result.seed, result.finishReason], ['jpeg', 4242, 'SUCCESS']);
    assert.equal((await station.store.keys.get(id))?.balance, 20_000 - 6_500);
  });

  it('reports the seed the station picked for seed 0, and does image-to-image', async () => {
    const { plaintext } = await station.key();
    const random = await chained(plaintext).generate(baseRequest({ seed: 0, outputFormat: 'webp' }), live());
    assert.ok(random.seed >= 1 && random.seed <= 4_294_967_294, `seed ${random.seed}`);
    const image = await inputImage(640, 480);
    const result = await chained(plaintext).generate(baseRequest({ image, strength: 0.4, aspectRatio: '3:2', width: 1216, height: 832 }), live());
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, result.seed], ['png', 1216, 832, 1234]);
  });

  it('passes its moderation refusal through as content_moderation', async () => {
    await station.store.bannedWords.add('forbidden');
    const { plaintext } = await station.key();
    const error = await chained(plaintext).generate(baseRequest({ prompt: 'a forbidden lighthouse' }), live()).catch((e: unknown) => e);
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, 'content_moderation');
  });

  it('passes its validation errors through as bad_request with its messages', async () => {
    const { plaintext } = await station.key();
    const error = await chained(plaintext, { 'sd3.5-large': 'sd9-imaginary' }).generate(baseRequest(), live()).catch((e: unknown) => e);
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, 'bad_request');
    assert.deepEqual(error.errors, ['model: must be one of sd3-large, sd3-large-turbo, sd3-medium, sd3.5-large, sd3.5-large-turbo, sd3.5-medium, sd3.5-flash']);
  });

  it('turns its 402 (the channel key is out of credit) and 401 (a wrong key) into credentials failures', async () => {
    const { id, plaintext } = await station.key({ credits: '1' });
    const poor = await chained(plaintext).generate(baseRequest(), live()).catch((e: unknown) => e);
    assert.ok(poor instanceof UpstreamFailure, String(poor));
    assert.deepEqual([poor.kind, poor.status, poor.retryable], ['credentials', 402, true]);
    assert.equal((await station.store.keys.get(id))?.balance, 1_000, 'nothing was charged');
    const wrong = await chained('sk-notAKeyOfThisStation000000000000000000000000000').generate(baseRequest(), live()).catch((e: unknown) => e);
    assert.ok(wrong instanceof UpstreamFailure, String(wrong));
    assert.deepEqual([wrong.kind, wrong.status], ['credentials', 401]);
  });
});
