/**
 * The ultra and core endpoints (spec §10): their fields, sizes and prices, and that what they
 * ignore (mode, model, cfg_scale) is ignored, on both path prefixes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { solidImage } from '../../../../test/helpers/images.js';
import { multipart, type Part } from '../../../../test/helpers/multipart.js';
import { countingProvider, routerFor, testStation } from '../../../../test/helpers/test-app.js';

async function post(endpoint: 'ultra' | 'core', parts: Part[] | Record<string, string>, prefix = '/v2beta') {
  const provider = countingProvider(async (request) => ({ bytes: await solidImage(request.outputFormat, request.width, request.height), format: request.outputFormat, seed: 7, finishReason: 'SUCCESS' }));
  const station = await testStation({ router: routerFor(provider) });
  const { id, plaintext } = await station.key({ credits: '20' });
  const form = multipart(parts);
  const response = await station.app.inject({
    method: 'POST',
    url: `${prefix}/stable-image/generate/${endpoint}`,
    headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType },
    payload: form.body,
  });
  const key = (await station.store.keys.get(id))!;
  const ledger = await station.store.credits.ledger(id);
  await station.close();
  return { response, provider, key, ledger };
}

describe('generate/ultra and generate/core', () => {
  it('ultra: 1 MP for the aspect ratio, 8 credits, mode/model/cfg_scale ignored', async () => {
    const { response, provider, key, ledger } = await post('ultra', { prompt: 'a harbour', aspect_ratio: '16:9', mode: 'whatever', model: 'nope', cfg_scale: '99' });
    assert.equal(response.statusCode, 200);
    const meta = await sharp(response.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [1344, 768]);
    assert.deepEqual([provider.calls[0]?.endpoint, provider.calls[0]?.model, provider.calls[0]?.cfgScale], ['ultra', 'ultra', undefined]);
    assert.equal(key.balance, 12_000);
    assert.deepEqual(ledger.map((e) => [e.kind, e.amount]), [['grant', 20_000], ['charge', -8_000]]);
  });

  it('core: 1.5 MP (1536x1536 for 1:1), 3 credits, under /sd too', async () => {
    const { response, provider, key } = await post('core', { prompt: 'a harbour' }, '/sd/v2beta');
    assert.equal(response.statusCode, 200);
    assert.deepEqual([provider.calls[0]?.width, provider.calls[0]?.height], [1536, 1536]);
    assert.equal(key.balance, 17_000);
  });

  it('ultra: an image with strength goes to the provider; the output follows the image unless aspect_ratio is sent', async () => {
    const image = await solidImage('png', 900, 600);
    const withImage = await post('ultra', [{ name: 'prompt', value: 'x' }, { name: 'image', file: image, contentType: 'image/png' }, { name: 'strength', value: '0.3' }]);
    assert.equal(withImage.response.statusCode, 200);
    const call = withImage.provider.calls[0]!;
    assert.deepEqual([call.image?.width, call.image?.height, call.strength, call.width, call.height], [900, 600, 0.3, 1216, 832]);
    const explicit = await post('ultra', [{ name: 'prompt', value: 'x' }, { name: 'image', file: image, contentType: 'image/png' }, { name: 'strength', value: '0.3' }, { name: 'aspect_ratio', value: '1:1' }]);
    assert.deepEqual([explicit.provider.calls[0]?.width, explicit.provider.calls[0]?.height], [1024, 1024]);
  });

  const refused: { name: string; endpoint: 'ultra' | 'core'; parts: Part[]; errors: (string | RegExp)[] }[] = [
    { name: 'ultra: image without strength', endpoint: 'ultra', parts: [{ name: 'prompt', value: 'x' }, { name: 'image', file: Buffer.alloc(0), contentType: 'image/png' }], errors: ['strength: is required when an image is sent', 'image: must be a jpeg, png or webp image'] },
    { name: 'ultra: strength without an image', endpoint: 'ultra', parts: [{ name: 'prompt', value: 'x' }, { name: 'strength', value: '0.5' }], errors: ['strength: is only valid with an image'] },
    { name: 'ultra: strength out of range with an image', endpoint: 'ultra', parts: [{ name: 'prompt', value: 'x' }, { name: 'strength', value: '2' }], errors: ['strength: must be a number between 0 and 1', 'strength: is only valid with an image'] },
    { name: 'core: no prompt, bad ratio, bad format, bad seed', endpoint: 'core', parts: [{ name: 'aspect_ratio', value: '7:1' }, { name: 'output_format', value: 'gif' }, { name: 'seed', value: '-3' }], errors: ['aspect_ratio: must be one of 21:9, 16:9, 3:2, 5:4, 1:1, 4:5, 2:3, 9:16, 9:21', 'seed: must be an integer between 0 and 4294967294', 'output_format: must be one of png, jpeg, webp', 'prompt: is required'] },
    { name: 'core: a bad style preset', endpoint: 'core', parts: [{ name: 'prompt', value: 'x' }, { name: 'style_preset', value: 'baroque' }], errors: [/^style_preset: must be one of enhance, anime/] },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}, listing every field, charging nothing`, async () => {
      const { response, provider, key, ledger } = await post(row.endpoint, row.parts);
      assert.equal(response.statusCode, 400);
      const body = response.json() as { name: string; errors: string[] };
      assert.equal(body.name, 'bad_request');
      assert.equal(body.errors.length, row.errors.length, JSON.stringify(body.errors));
      for (const expected of row.errors) {
        assert.ok(body.errors.some((e) => (expected instanceof RegExp ? expected.test(e) : e === expected)), `${String(expected)} in ${JSON.stringify(body.errors)}`);
      }
      assert.equal(provider.calls.length, 0);
      assert.deepEqual([key.balance, key.held, ledger.length], [20_000, 0, 1]);
    });
  }

  it('ultra: an image wider than 16,384 px is refused by its header, before decoding', async () => {
    const wide = await sharp({ create: { width: 16_400, height: 64, channels: 3, background: 'white' } }).png().toBuffer();
    const { response, provider } = await post('ultra', [{ name: 'prompt', value: 'x' }, { name: 'image', file: wide, contentType: 'image/png' }, { name: 'strength', value: '0.5' }]);
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().errors, ['image: each side must be at most 16384 pixels (got 16400x64)']);
    assert.equal(provider.calls.length, 0);
  });
});
