/** @module Tests for the sandbox provider: sizes, formats, determinism, seeds, image-to-image, abort. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { GenerationRequest, InputImage, OutputFormat } from '../provider.js';
import { createSandboxProvider } from './index.js';

const provider = createSandboxProvider();
const live = () => ({ signal: new AbortController().signal });

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    endpoint: 'sd3',
    model: 'sd3.5-large',
    prompt: 'a lighthouse on a cliff at dusk',
    width: 1024,
    height: 1024,
    aspectRatio: '1:1',
    seed: 42,
    outputFormat: 'png',
    ...overrides,
  };
}

async function rawPixels(bytes: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return data;
}

async function generatePixels(overrides: Partial<GenerationRequest>): Promise<Buffer> {
  return rawPixels((await provider.generate(request(overrides), live())).bytes);
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** A busy, deterministic RGB picture so a wrong crop or blend cannot pass by accident. */
async function pngInput(width: number, height: number, channels: 3 | 4 = 3, alpha = 255): Promise<InputImage> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += channels) {
      raw[i] = (x * 7) & 255;
      raw[i + 1] = (y * 5) & 255;
      raw[i + 2] = (x ^ y) & 255;
      if (channels === 4) raw[i + 3] = alpha;
    }
  }
  const bytes = await sharp(raw, { raw: { width, height, channels } }).png().toBuffer();
  return { bytes, format: 'png', width, height };
}

describe('sandbox provider: output', () => {
  const sizes = [
    [1024, 1024],
    [1344, 768],
    [640, 1536],
  ] as const;
  for (const [width, height] of sizes) {
    for (const format of ['png', 'jpeg', 'webp'] as const satisfies readonly OutputFormat[]) {
      it(`encodes ${width}x${height} as ${format}`, async () => {
        const result = await provider.generate(request({ width, height, outputFormat: format }), live());
        const meta = await sharp(result.bytes).metadata();
        assert.equal(meta.format, format);
        assert.equal(meta.width, width);
        assert.equal(meta.height, height);
        assert.equal(result.format, format);
        assert.equal(result.seed, 42);
        assert.equal(result.finishReason, 'SUCCESS');
      });
    }
  }

  it('draws a readable "AIGATE SANDBOX" label and names itself in EXIF', async () => {
    const result = await provider.generate(request({ width: 1344, height: 768 }), live());
    const pixels = await rawPixels(result.bytes);
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * 1344 + x) * 3, (y * 1344 + x) * 3 + 3));
    // Layout: 12 px margin, 3 px font pixels, 2 font pixels of strip padding, so the text starts at (18, 768-39).
    assert.deepEqual(at(22, 768 - 38), [255, 255, 255], 'top bar of the "A"');
    assert.ok(Math.max(...at(19, 768 - 38)) <= 64, 'strip behind the text is dark');
    const exif = (await sharp(result.bytes).metadata()).exif;
    assert.ok(exif?.includes('AIGATE SANDBOX'));
  });
});

describe('sandbox provider: determinism and seeds', () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`gives byte-identical ${format} for the same inputs`, async () => {
      const options = { outputFormat: format, negativePrompt: 'fog', stylePreset: 'cinematic', seed: 7 } as const;
      const first = await provider.generate(request(options), live());
      const second = await provider.generate(request(options), live());
      assert.equal(first.seed, 7);
      assert.equal(second.seed, 7);
      assert.ok(first.bytes.equals(second.bytes));
    });
  }

  const variations: ReadonlyArray<[string, Partial<GenerationRequest>]> = [
    ['seed', { seed: 43 }],
    ['prompt', { prompt: 'a lighthouse on a cliff at dawn' }],
    ['negative prompt', { negativePrompt: 'boats' }],
    ['model', { model: 'sd3.5-medium' }],
    ['style preset', { stylePreset: 'neon-punk' }],
  ];
  for (const [name, change] of variations) {
    it(`looks visibly different when the ${name} changes`, async () => {
      const base = await generatePixels({});
      const changed = await generatePixels(change);
      assert.ok(meanAbsoluteDifference(base, changed) > 8, `mean difference for ${name}`);
    });
  }

  it('picks and reports a seed in [1, 4294967294] when asked for seed 0', async () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const result = await provider.generate(request({ seed: 0, width: 640, height: 1536 }), live());
      assert.ok(Number.isInteger(result.seed) && result.seed >= 1 && result.seed <= 4294967294, String(result.seed));
      seeds.add(result.seed);
      // The reported seed must reproduce the picture.
      const again = await provider.generate(request({ seed: result.seed, width: 640, height: 1536 }), live());
      assert.ok(again.bytes.equals(result.bytes));
    }
    assert.ok(seeds.size > 1, 'random seeds repeat');
  });
});

describe('sandbox provider: image-to-image', () => {
  it('strength 0 returns the input exactly when no resize is needed', async () => {
    const image = await pngInput(1024, 1024);
    const output = await generatePixels({ image, strength: 0 });
    assert.ok(output.equals(await rawPixels(image.bytes)));
  });

  it('strength 0 returns the cover-cropped input for a different aspect ratio', async () => {
    const image = await pngInput(900, 500);
    const output = await generatePixels({ image, strength: 0, width: 640, height: 1536 });
    const expected = await sharp(image.bytes).resize(640, 1536, { fit: 'cover', position: 'centre' }).raw().toBuffer();
    assert.ok(output.equals(expected));
  });

  it('flattens transparency onto white', async () => {
    const image = await pngInput(1024, 1024, 4, 0);
    const output = await generatePixels({ image, strength: 0 });
    assert.ok(output.every((value) => value === 255));
  });

  it('strength 1 ignores the input and equals the text-to-image render', async () => {
    const image = await pngInput(1024, 1024);
    const blended = await generatePixels({ image, strength: 1 });
    assert.ok(blended.equals(await generatePixels({})));
  });

  it('strength 0.5 mixes input and render half and half', async () => {
    const image = await pngInput(1024, 1024);
    const input = await rawPixels(image.bytes);
    const render = await generatePixels({});
    const blended = await generatePixels({ image, strength: 0.5 });
    assert.ok(meanAbsoluteDifference(blended, input) > 8);
    assert.ok(meanAbsoluteDifference(blended, render) > 8);
    for (let i = 0; i < blended.length; i++) {
      if (blended[i] !== Math.round((input[i]! + render[i]!) / 2)) assert.fail(`byte ${i}: ${blended[i]}`);
    }
  });
});

describe('sandbox provider: abort', () => {
  it('rejects with the reason of an already-aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    await assert.rejects(provider.generate(request(), { signal: controller.signal }), (error) => error === reason);
  });

  it('rejects with the reason when aborted while encoding', async () => {
    const controller = new AbortController();
    const reason = new Error('deadline');
    // generate() renders synchronously and then awaits sharp, so this abort lands mid-call.
    const pending = provider.generate(request(), { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
  });

  it('rejects with the reason when aborted while decoding the input image', async () => {
    const controller = new AbortController();
    const reason = new Error('deadline');
    const pending = provider.generate(request({ image: await pngInput(512, 512), strength: 0.3 }), { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
  });
});
