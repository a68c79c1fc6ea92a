/**
 * @module The table-driven contract suite of POST {/sd,}/v2beta/stable-image/generate/sd3
 * (docs: /work/shared/spec/stability-sd3.md §1-§9). Every row runs on a fresh station over
 * in-memory SQLite with a counting provider, and every row checks the status, the body shape, the
 * `x-request-id` header and the side effects: a rejected request moves no credit and never reaches
 * the provider; a successful one reaches it once with the expected request and is charged exactly
 * the model's price. A second `describe` drives chunked bodies over a real loopback socket.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { contentModeration, GatewayError, upstreamTimeout } from '../../../errors.js';
import type { GenerationRequest, GenerationResult, OutputFormat } from '../../../providers/provider.js';
import type { Rate } from '../../../rate-limit/rate.js';
import { pngBomb, solidImage } from '../../../../test/helpers/images.js';
import { multipart, type Part } from '../../../../test/helpers/multipart.js';
import { countingProvider, routerFor, testStation, type CountingProvider, type TestStation } from '../../../../test/helpers/test-app.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

const SD_PATH = '/sd/v2beta/stable-image/generate/sd3';
const ROOT_PATH = '/v2beta/stable-image/generate/sd3';
const MiB = 1024 * 1024;
const LIMIT = 10 * MiB;
const PROMPT = 'a lighthouse on a cliff at dusk';
/** What the stand-in provider reports when asked for seed 0 ("pick one"). */
const PICKED_SEED = 343_940_597;

/** Spec §8, in credits; independent of the station's own catalogue on purpose. */
const PRICE: Record<string, number> = {
  'sd3-large': 6.5,
  'sd3.5-large': 6.5,
  'sd3-large-turbo': 4,
  'sd3.5-large-turbo': 4,
  'sd3-medium': 3.5,
  'sd3.5-medium': 3.5,
  'sd3.5-flash': 2.5,
};

/** Spec §6. */
const SIZE: Record<string, [number, number]> = {
  '1:1': [1024, 1024],
  '5:4': [1088, 896],
  '3:2': [1216, 832],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '4:5': [896, 1088],
  '2:3': [832, 1216],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
};

const MODELS_LIST = 'sd3-large, sd3-large-turbo, sd3-medium, sd3.5-large, sd3.5-large-turbo, sd3.5-medium, sd3.5-flash';
const RATIOS_LIST = '21:9, 16:9, 3:2, 5:4, 1:1, 4:5, 2:3, 9:16, 9:21';
const STYLES_LIST =
  'enhance, anime, photographic, digital-art, comic-book, fantasy-art, line-art, analog-film, neon-punk, isometric, low-poly, origami, modeling-compound, cinematic, 3d-model, pixel-art, tile-texture';

const E = {
  unauthorized: 'authorization: invalid or missing header value',
  contentType: 'content-type: must be multipart/form-data',
  tooLarge: 'body: payloads cannot be larger than 10MiB in size',
  malformed: 'body: malformed multipart/form-data',
  moderation:
    'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.',
  rateLimited: 'You have exceeded the rate limit for this endpoint; retry after the time in the Retry-After header.',
  promptLength: 'prompt: must be between 1 and 10000 characters',
  negativeLength: 'negative_prompt: must be at most 10000 characters',
  strength: 'strength: must be a number between 0 and 1',
  seed: 'seed: must be an integer between 0 and 4294967294',
  cfg: 'cfg_scale: must be a number between 1 and 10',
  ratio: `aspect_ratio: must be one of ${RATIOS_LIST}`,
  model: `model: must be one of ${MODELS_LIST}`,
  format: 'output_format: must be one of png, jpeg, webp',
  style: `style_preset: must be one of ${STYLES_LIST}`,
  mode: 'mode: must be one of text-to-image, image-to-image',
  notAnImage: 'image: must be a jpeg, png or webp image',
} as const;

/** A deterministic noisy RGB picture: it does not compress, so its size is predictable. */
async function noisePng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let x = 0x9e3779b9;
  for (let i = 0; i < raw.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x & 255;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

const IMG = {
  png: await solidImage('png', 200, 100), // 2:1 -> 16:9
  jpeg: await solidImage('jpeg', 100, 100), // 1:1 -> 1:1
  webp: await solidImage('webp', 64, 150), // 0.43 -> 9:21
  pngSmall: await solidImage('png', 63, 128),
  pngOverCap: await solidImage('png', 3073, 3072), // 9,439,256 px, just over 9,437,184
  gif: await sharp({ create: { width: 100, height: 100, channels: 3, background: { r: 1, g: 2, b: 3 } } }).gif().toBuffer(),
  noise: await noisePng(1700, 1800), // ~9.2 MB, 0.94 -> 1:1
  bomb: pngBomb(),
};
const TRUNCATED_PNG = (await noisePng(256, 256)).subarray(0, 100_000);

const imagePart = (file: Buffer, filename = 'input.png', contentType = 'image/png'): Part => ({ name: 'image', file, filename, contentType });
const fields = (values: Record<string, string>): Part[] => Object.entries(values).map(([name, value]) => ({ name, value }));
/** Text-to-image parts: the prompt plus `extra`. */
const t2i = (extra: Record<string, string> = {}): Part[] => fields({ prompt: PROMPT, ...extra });
/** Image-to-image parts with `image` and strength 0.6 unless `extra` overrides it. */
const i2i = (image: Part | null, extra: Record<string, string> = {}): Part[] => [
  ...fields({ prompt: PROMPT, mode: 'image-to-image', strength: '0.6', ...extra }),
  ...(image ? [image] : []),
];

/** Multipart parts padded with an ignored file part named `none` to exactly `total` bytes. */
function paddedTo(total: number, parts: Part[]): Part[] {
  const base = multipart([...parts, { name: 'none', file: Buffer.alloc(0), filename: 'none' }]).body.length;
  assert.ok(base <= total, `parts already take ${base} bytes`);
  const padded: Part[] = [...parts, { name: 'none', file: Buffer.alloc(total - base, 0x61), filename: 'none' }];
  assert.equal(multipart(padded).body.length, total);
  return padded;
}

// ---------------------------------------------------------------------------------------------
// The table

type AuthMode = 'bearer' | 'bare' | 'lowercase' | 'none' | 'bearer-only' | 'garbage' | 'unknown' | 'revoked' | 'expired';

interface RequestSpec {
  method?: 'POST' | 'GET' | 'PUT';
  path?: string;
  auth?: AuthMode;
  /** A multipart body; ignored when `body` is given. */
  parts?: Part[];
  /** A raw body, sent with `contentType` (null: no content-type header at all). */
  body?: string | Buffer;
  contentType?: string | null;
  accept?: string;
  headers?: Record<string, string>;
}

interface Expectation {
  status: number;
  name?: string;
  /** Every failing field, in any order; exact strings or patterns. */
  errors?: readonly (string | RegExp)[];
  headers?: Record<string, string | RegExp>;
  /** Success only: the GenerationRequest the provider must receive, over the defaults of `gen()`. */
  generation?: Partial<GenerationRequest>;
  /** Success only: the input image the provider must receive. */
  inputImage?: { bytes: Buffer; format: OutputFormat; width: number; height: number };
  /** Success only: answer as JSON instead of bytes. */
  json?: boolean;
  /** Success only: the seed reported (defaults to the request's seed, or PICKED_SEED for 0). */
  seed?: number;
  /** Success only: the finish reason reported. */
  finishReason?: 'SUCCESS' | 'CONTENT_FILTERED';
  /** Errors only: how often the provider was reached (0 unless the upstream itself failed). */
  providerCalls?: number;
  /** The whole answer must come within this many milliseconds. */
  withinMs?: number;
}

interface Case {
  name: string;
  env?: Record<string, string>;
  key?: { credits?: string; cap?: number; models?: string[]; rateLimit?: Rate };
  bannedWords?: string[];
  /** Replaces the stand-in upstream's behaviour (which answers an image of the requested size). */
  upstream?: (request: GenerationRequest) => Promise<GenerationResult>;
  /** Identical requests sent first, each answered with `status` (rate-limit rows). */
  warmup?: { count: number; status: number };
  request: RequestSpec;
  expect: Expectation;
}

const ok = (generation: Partial<GenerationRequest> = {}, more: Omit<Expectation, 'status' | 'generation'> = {}): Expectation => ({
  status: 200,
  generation,
  ...more,
});
const bad = (...errors: (string | RegExp)[]): Expectation => ({ status: 400, name: 'bad_request', errors });
const unauthorized: Expectation = { status: 401, name: 'unauthorized', errors: [E.unauthorized] };
const tooLarge: Expectation = { status: 413, name: 'payload_too_large', errors: [E.tooLarge], headers: { connection: 'close' } };
const moderated: Expectation = { status: 403, name: 'content_moderation', errors: [E.moderation] };
const rateLimited: Expectation = { status: 429, name: 'rate_limit_exceeded', errors: [E.rateLimited], headers: { 'retry-after': /^[1-9]\d*$/ } };

const size = (ratio: string) => ({ aspectRatio: ratio, width: SIZE[ratio]![0], height: SIZE[ratio]![1] });

const cases: Case[] = [
  // --- prompt
  { name: 'prompt: the minimal request succeeds with every default', request: { parts: t2i() }, expect: ok() },
  { name: 'prompt: missing', request: { parts: fields({ seed: '5' }) }, expect: bad('prompt: is required') },
  { name: 'prompt: empty', request: { parts: t2i({ prompt: '' }) }, expect: bad(E.promptLength) },
  { name: 'prompt: 10,000 characters is accepted', request: { parts: t2i({ prompt: 'p'.repeat(10_000) }) }, expect: ok({ prompt: 'p'.repeat(10_000) }) },
  {
    name: 'prompt: 10,000 four-byte characters (40,000 bytes) is accepted',
    request: { parts: t2i({ prompt: '😀'.repeat(10_000) }) },
    expect: ok({ prompt: '😀'.repeat(10_000) }),
  },
  { name: 'prompt: 10,001 characters', request: { parts: t2i({ prompt: 'p'.repeat(10_001) }) }, expect: bad(E.promptLength) },
  { name: 'prompt: 10,001 four-byte characters', request: { parts: t2i({ prompt: '😀'.repeat(10_001) }) }, expect: bad(E.promptLength) },
  { name: 'prompt: a 60 KB prompt', request: { parts: t2i({ prompt: 'p'.repeat(60_000) }) }, expect: bad(E.promptLength) },

  // --- negative_prompt
  {
    name: 'negative_prompt: 10,000 characters reaches the provider',
    request: { parts: t2i({ negative_prompt: 'n'.repeat(10_000) }) },
    expect: ok({ negativePrompt: 'n'.repeat(10_000) }),
  },
  { name: 'negative_prompt: 10,001 characters', request: { parts: t2i({ negative_prompt: 'n'.repeat(10_001) }) }, expect: bad(E.negativeLength) },
  { name: 'negative_prompt: 60 KB', request: { parts: t2i({ negative_prompt: 'n'.repeat(60_000) }) }, expect: bad(E.negativeLength) },

  // --- aspect_ratio (§6 sizes)
  ...Object.keys(SIZE).map(
    (ratio): Case => ({ name: `aspect_ratio: ${ratio} gives ${SIZE[ratio]!.join('x')}`, request: { parts: t2i({ aspect_ratio: ratio }) }, expect: ok(size(ratio)) }),
  ),
  { name: 'aspect_ratio: 7:3 is refused', request: { parts: t2i({ aspect_ratio: '7:3' }) }, expect: bad(E.ratio) },
  { name: 'aspect_ratio: empty is refused', request: { parts: t2i({ aspect_ratio: '' }) }, expect: bad(E.ratio) },

  // --- model: each one, its price, its cfg default and what happens to a negative prompt
  ...Object.keys(PRICE).map((model): Case => {
    const distilled = /turbo|flash/.test(model);
    return {
      name: `model: ${model} costs ${PRICE[model]} credits${distilled ? ', cfg 1, no negative prompt' : ', cfg 4, keeps the negative prompt'}`,
      request: { parts: t2i({ model, negative_prompt: 'blurry' }) },
      expect: ok({ model, cfgScale: distilled ? 1 : 4, negativePrompt: distilled ? undefined : 'blurry' }),
    };
  }),
  { name: 'model: sd3-ultra is refused', request: { parts: t2i({ model: 'sd3-ultra' }) }, expect: bad(E.model) },
  { name: 'model: another endpoint\'s model (core) is refused', request: { parts: t2i({ model: 'core' }) }, expect: bad(E.model) },
  { name: 'model: a turbo model takes cfg_scale when sent', request: { parts: t2i({ model: 'sd3-large-turbo', cfg_scale: '2.5' }) }, expect: ok({ model: 'sd3-large-turbo', cfgScale: 2.5 }) },

  // --- seed
  { name: 'seed: -1', request: { parts: t2i({ seed: '-1' }) }, expect: bad(E.seed) },
  { name: 'seed: 4294967295', request: { parts: t2i({ seed: '4294967295' }) }, expect: bad(E.seed) },
  { name: 'seed: 1.5', request: { parts: t2i({ seed: '1.5' }) }, expect: bad(E.seed) },
  { name: 'seed: x', request: { parts: t2i({ seed: 'x' }) }, expect: bad(E.seed) },
  { name: 'seed: 0 lets the provider pick and report one', request: { parts: t2i({ seed: '0' }) }, expect: ok({ seed: 0 }, { seed: PICKED_SEED }) },
  { name: 'seed: 4294967294 is the largest', request: { parts: t2i({ seed: '4294967294' }) }, expect: ok({ seed: 4_294_967_294 }) },
  { name: 'seed: 12345', request: { parts: t2i({ seed: '12345' }) }, expect: ok({ seed: 12_345 }) },

  // --- output_format
  { name: 'output_format: png', request: { parts: t2i({ output_format: 'png' }) }, expect: ok({ outputFormat: 'png' }) },
  { name: 'output_format: jpeg', request: { parts: t2i({ output_format: 'jpeg' }) }, expect: ok({ outputFormat: 'jpeg' }) },
  { name: 'output_format: webp', request: { parts: t2i({ output_format: 'webp' }) }, expect: ok({ outputFormat: 'webp' }) },
  { name: 'output_format: gif is refused', request: { parts: t2i({ output_format: 'gif' }) }, expect: bad(E.format) },

  // --- cfg_scale
  { name: 'cfg_scale: 0', request: { parts: t2i({ cfg_scale: '0' }) }, expect: bad(E.cfg) },
  { name: 'cfg_scale: 11', request: { parts: t2i({ cfg_scale: '11' }) }, expect: bad(E.cfg) },
  { name: 'cfg_scale: abc', request: { parts: t2i({ cfg_scale: 'abc' }) }, expect: bad(E.cfg) },
  { name: 'cfg_scale: 1', request: { parts: t2i({ cfg_scale: '1' }) }, expect: ok({ cfgScale: 1 }) },
  { name: 'cfg_scale: 10', request: { parts: t2i({ cfg_scale: '10' }) }, expect: ok({ cfgScale: 10 }) },
  { name: 'cfg_scale: "4.0" parses as 4', request: { parts: t2i({ cfg_scale: '4.0' }) }, expect: ok({ cfgScale: 4 }) },

  // --- style_preset
  { name: 'style_preset: photographic', request: { parts: t2i({ style_preset: 'photographic' }) }, expect: ok({ stylePreset: 'photographic' }) },
  { name: 'style_preset: 3d-model', request: { parts: t2i({ style_preset: '3d-model' }) }, expect: ok({ stylePreset: '3d-model' }) },
  { name: 'style_preset: oil-painting is refused', request: { parts: t2i({ style_preset: 'oil-painting' }) }, expect: bad(E.style) },

  // --- strength (image-to-image)
  { name: 'strength: -0.1', request: { parts: i2i(imagePart(IMG.png), { strength: '-0.1' }) }, expect: bad(E.strength) },
  { name: 'strength: 1.1', request: { parts: i2i(imagePart(IMG.png), { strength: '1.1' }) }, expect: bad(E.strength) },
  { name: 'strength: abc', request: { parts: i2i(imagePart(IMG.png), { strength: 'abc' }) }, expect: bad(E.strength) },
  { name: 'strength: empty', request: { parts: i2i(imagePart(IMG.png), { strength: '' }) }, expect: bad(E.strength) },
  {
    name: 'strength: 0 is accepted',
    request: { parts: i2i(imagePart(IMG.png), { strength: '0' }) },
    expect: ok({ ...size('16:9'), strength: 0 }, { inputImage: { bytes: IMG.png, format: 'png', width: 200, height: 100 } }),
  },
  {
    name: 'strength: 1 is accepted',
    request: { parts: i2i(imagePart(IMG.png), { strength: '1' }) },
    expect: ok({ ...size('16:9'), strength: 1 }, { inputImage: { bytes: IMG.png, format: 'png', width: 200, height: 100 } }),
  },

  // --- mode rules
  { name: 'mode: inpaint is refused', request: { parts: t2i({ mode: 'inpaint' }) }, expect: bad(E.mode) },
  { name: 'mode: text-to-image sent explicitly', request: { parts: t2i({ mode: 'text-to-image' }) }, expect: ok() },
  { name: 'mode: image-to-image without image', request: { parts: i2i(null) }, expect: bad('image: is required for image-to-image') },
  {
    name: 'mode: image-to-image without strength',
    request: { parts: [...fields({ prompt: PROMPT, mode: 'image-to-image' }), imagePart(IMG.png)] },
    expect: bad('strength: is required for image-to-image'),
  },
  {
    name: 'mode: image-to-image with neither image nor strength lists both',
    request: { parts: fields({ prompt: PROMPT, mode: 'image-to-image' }) },
    expect: bad('image: is required for image-to-image', 'strength: is required for image-to-image'),
  },
  {
    name: 'mode: image-to-image with aspect_ratio',
    request: { parts: i2i(imagePart(IMG.png), { aspect_ratio: '1:1' }) },
    expect: bad('aspect_ratio: is only valid for text-to-image'),
  },
  { name: 'mode: text-to-image with an image', request: { parts: [...t2i({ mode: 'text-to-image' }), imagePart(IMG.png)] }, expect: bad('image: is only valid for image-to-image') },
  { name: 'mode: text-to-image (default) with an image', request: { parts: [...t2i(), imagePart(IMG.png)] }, expect: bad('image: is only valid for image-to-image') },
  { name: 'mode: text-to-image with strength', request: { parts: t2i({ strength: '0.5' }) }, expect: bad('strength: is only valid for image-to-image') },

  // --- several errors, duplicates, files for text fields, unknown fields
  {
    name: 'several errors are listed together',
    request: {
      parts: fields({ prompt: '', aspect_ratio: '7:3', model: 'nope', seed: '-1', output_format: 'gif', cfg_scale: '0', style_preset: 'oil', negative_prompt: 'n'.repeat(10_001) }),
    },
    expect: bad(E.promptLength, E.ratio, E.model, E.seed, E.format, E.cfg, E.style, E.negativeLength),
  },
  {
    name: 'several errors: bad mode rules and a bad value together',
    request: { parts: [...t2i({ strength: '2', seed: 'x' }), imagePart(IMG.png)] },
    expect: bad(E.seed, E.strength, 'image: is only valid for image-to-image', 'strength: is only valid for image-to-image'),
  },
  { name: 'a field sent twice (prompt)', request: { parts: [...t2i(), { name: 'prompt', value: 'again' }] }, expect: bad('prompt: must be sent only once') },
  { name: 'a field sent twice (seed)', request: { parts: [...t2i({ seed: '1' }), { name: 'seed', value: '1' }] }, expect: bad('seed: must be sent only once') },
  {
    name: 'the image sent twice',
    request: { parts: [...i2i(imagePart(IMG.png)), imagePart(IMG.png)] },
    expect: bad('image: must be sent only once'),
  },
  {
    name: 'a text field sent as a file (prompt)',
    request: { parts: [{ name: 'prompt', file: Buffer.from(PROMPT), filename: 'prompt.txt', contentType: 'text/plain' }] },
    expect: bad('prompt: must be a text field, not a file'),
  },
  {
    name: 'a text field sent as a file (seed)',
    request: { parts: [...t2i(), { name: 'seed', file: Buffer.from('5'), filename: 'seed.txt', contentType: 'text/plain' }] },
    expect: bad('seed: must be a text field, not a file'),
  },
  { name: 'the image sent as a text field', request: { parts: i2i({ name: 'image', value: 'data:image/png;base64,AAAA' }) }, expect: bad('image: must be a file') },
  {
    name: 'unknown fields are ignored, including Stability\'s empty file part "none"',
    request: { parts: [...t2i({ steps: '40', sampler: 'euler' }), { name: 'none', file: Buffer.alloc(0), filename: 'none' }, { name: 'extra', file: Buffer.from('zzz') }] },
    expect: ok(),
  },

  // --- images
  {
    name: 'image: a png is accepted, the output takes the nearest aspect ratio (2:1 -> 16:9)',
    request: { parts: i2i(imagePart(IMG.png)) },
    expect: ok({ ...size('16:9'), strength: 0.6 }, { inputImage: { bytes: IMG.png, format: 'png', width: 200, height: 100 } }),
  },
  {
    name: 'image: a jpeg is accepted (1:1 -> 1024x1024)',
    request: { parts: i2i(imagePart(IMG.jpeg, 'in.jpg', 'image/jpeg'), { output_format: 'jpeg' }) },
    expect: ok({ ...size('1:1'), strength: 0.6, outputFormat: 'jpeg' }, { inputImage: { bytes: IMG.jpeg, format: 'jpeg', width: 100, height: 100 } }),
  },
  {
    name: 'image: a webp is accepted (64x150 -> 9:21)',
    request: { parts: i2i(imagePart(IMG.webp, 'in.webp', 'image/webp'), { output_format: 'webp' }) },
    expect: ok({ ...size('9:21'), strength: 0.6, outputFormat: 'webp' }, { inputImage: { bytes: IMG.webp, format: 'webp', width: 64, height: 150 } }),
  },
  {
    name: 'image: judged by content, not by name (a jpeg named .png)',
    request: { parts: i2i(imagePart(IMG.jpeg, 'looks.png', 'image/png')) },
    expect: ok({ ...size('1:1'), strength: 0.6 }, { inputImage: { bytes: IMG.jpeg, format: 'jpeg', width: 100, height: 100 } }),
  },
  { name: 'image: a truncated png', request: { parts: i2i(imagePart(TRUNCATED_PNG)) }, expect: bad('image: is truncated or corrupt') },
  { name: 'image: text bytes named .png with image/png', request: { parts: i2i(imagePart(Buffer.from('definitely not a picture\n'.repeat(20)))) }, expect: bad(E.notAnImage) },
  { name: 'image: an empty file', request: { parts: i2i(imagePart(Buffer.alloc(0))) }, expect: bad(E.notAnImage) },
  { name: 'image: a gif', request: { parts: i2i(imagePart(IMG.gif, 'in.gif', 'image/gif')) }, expect: bad(E.notAnImage) },
  { name: 'image: a 63 px side', request: { parts: i2i(imagePart(IMG.pngSmall)) }, expect: bad('image: each side must be at least 64 pixels (got 63x128)') },
  { name: 'image: just over the pixel cap', request: { parts: i2i(imagePart(IMG.pngOverCap)) }, expect: bad('image: must have at most 9437184 pixels') },
  {
    name: 'image: the png decompression bomb is refused fast',
    request: { parts: i2i(imagePart(IMG.bomb)) },
    expect: { ...bad('image: must have at most 9437184 pixels'), withinMs: 2_000 },
  },
  {
    name: 'image: a bad image and bad fields are listed together',
    request: { parts: i2i(imagePart(IMG.pngSmall), { strength: '9', seed: '-3' }) },
    expect: bad(E.strength, E.seed, 'image: each side must be at least 64 pixels (got 63x128)'),
  },

  // --- content types
  { name: 'content-type: missing', request: { body: 'prompt=hello', contentType: null }, expect: bad(E.contentType) },
  { name: 'content-type: missing and no body', request: { method: 'POST', contentType: null }, expect: bad(E.contentType) },
  { name: 'content-type: application/json with a JSON body', request: { body: JSON.stringify({ prompt: PROMPT }), contentType: 'application/json' }, expect: bad(E.contentType) },
  { name: 'content-type: text/plain', request: { body: PROMPT, contentType: 'text/plain' }, expect: bad(E.contentType) },
  { name: 'content-type: application/x-www-form-urlencoded', request: { body: `prompt=${encodeURIComponent(PROMPT)}`, contentType: 'application/x-www-form-urlencoded' }, expect: bad(E.contentType) },
  { name: 'content-type: multipart/mixed', request: { body: multipart(t2i()).body, contentType: 'multipart/mixed; boundary=aigate-test-boundary-7MA4YWxkTrZu0gW' }, expect: bad(E.contentType) },
  { name: 'content-type: multipart/form-data without a boundary', request: { body: multipart(t2i()).body, contentType: 'multipart/form-data' }, expect: bad('content-type: must be multipart/form-data with a boundary') },
  {
    name: 'content-type: MULTIPART/FORM-DATA in capitals is accepted',
    request: { body: multipart(t2i()).body, contentType: 'MULTIPART/FORM-DATA; boundary=aigate-test-boundary-7MA4YWxkTrZu0gW' },
    expect: ok(),
  },
  {
    name: 'multipart framing: the closing boundary is missing',
    request: { body: '--b0\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhello', contentType: 'multipart/form-data; boundary=b0' },
    expect: bad(E.malformed),
  },
  { name: 'multipart framing: no boundary in the body at all', request: { body: 'garbage, not multipart', contentType: 'multipart/form-data; boundary=b0' }, expect: bad(E.malformed) },
  {
    name: 'multipart framing: a part without headers',
    request: { body: '--b0\r\nnot a header line\r\n\r\nhello\r\n--b0--\r\n', contentType: 'multipart/form-data; boundary=b0' },
    expect: bad(E.malformed),
  },

  {
    name: 'multipart limits: 101 text fields',
    request: { parts: [...t2i(), ...Array.from({ length: 100 }, (_, i) => ({ name: `extra${i}`, value: 'x' }))] },
    expect: bad('body: too many fields'),
  },
  {
    name: 'multipart limits: 11 file parts',
    request: { parts: [...t2i(), ...Array.from({ length: 11 }, (_, i) => ({ name: `file${i}`, file: Buffer.from('x'), filename: `f${i}.bin` }))] },
    expect: bad('body: too many files'),
  },

  // --- body size
  {
    name: 'body: a declared content-length just over 10 MiB is refused before reading',
    request: { parts: t2i(), headers: { 'content-length': String(LIMIT + 1) } },
    expect: tooLarge,
  },
  {
    name: 'body: exactly 10 MiB with a big image is not refused for size',
    request: { parts: paddedTo(LIMIT, i2i(imagePart(IMG.noise))) },
    expect: ok({ ...size('1:1'), strength: 0.6 }, { inputImage: { bytes: IMG.noise, format: 'png', width: 1700, height: 1800 } }),
  },
  { name: 'body: 10 MiB + 1 byte', request: { parts: paddedTo(LIMIT + 1, i2i(imagePart(IMG.noise))) }, expect: tooLarge },

  // --- accept
  { name: 'accept: missing gives the bytes', request: { parts: t2i() }, expect: ok({}, { json: false }) },
  { name: 'accept: image/* gives the bytes', request: { parts: t2i(), accept: 'image/*' }, expect: ok({}, { json: false }) },
  { name: 'accept: */* gives the bytes', request: { parts: t2i(), accept: '*/*' }, expect: ok({}, { json: false }) },
  { name: 'accept: image/png gives the bytes', request: { parts: t2i(), accept: 'image/png' }, expect: ok({}, { json: false }) },
  { name: 'accept: application/json gives JSON (png)', request: { parts: t2i(), accept: 'application/json' }, expect: ok({}, { json: true }) },
  { name: 'accept: application/json gives JSON (jpeg)', request: { parts: t2i({ output_format: 'jpeg' }), accept: 'application/json' }, expect: ok({ outputFormat: 'jpeg' }, { json: true }) },
  {
    name: 'accept: application/json gives JSON (webp, 21:9, seed 7)',
    request: { parts: t2i({ output_format: 'webp', aspect_ratio: '21:9', seed: '7' }), accept: 'application/json' },
    expect: ok({ outputFormat: 'webp', ...size('21:9'), seed: 7 }, { json: true }),
  },

  // --- paths
  { name: 'path: /v2beta/... (Stability\'s own) works too', request: { path: ROOT_PATH, parts: t2i({ model: 'sd3-medium' }) }, expect: ok({ model: 'sd3-medium' }) },
  { name: 'path: /v2beta/... validates the same way', request: { path: ROOT_PATH, parts: t2i({ seed: 'x' }) }, expect: bad(E.seed) },

  // --- authentication (§2)
  { name: 'auth: a bare key without Bearer', request: { auth: 'bare', parts: t2i() }, expect: ok() },
  { name: 'auth: lowercase bearer', request: { auth: 'lowercase', parts: t2i() }, expect: ok() },
  { name: 'auth: missing header', request: { auth: 'none', parts: t2i() }, expect: unauthorized },
  { name: 'auth: "Bearer" alone', request: { auth: 'bearer-only', parts: t2i() }, expect: unauthorized },
  { name: 'auth: Bearer with garbage', request: { auth: 'garbage', parts: t2i() }, expect: unauthorized },
  { name: 'auth: an unknown well-formed key', request: { auth: 'unknown', parts: t2i() }, expect: unauthorized },
  { name: 'auth: a revoked key', request: { auth: 'revoked', parts: t2i() }, expect: unauthorized },
  { name: 'auth: an expired key', request: { auth: 'expired', parts: t2i() }, expect: unauthorized },
  { name: 'auth: checked before the body (JSON body, no key)', request: { auth: 'none', body: '{"prompt":1}', contentType: 'application/json' }, expect: unauthorized },
  { name: 'auth: checked before the body (invalid fields, no key)', request: { auth: 'garbage', parts: fields({ seed: '-1' }) }, expect: unauthorized },
  {
    name: 'auth: checked before the size (content-length over 10 MiB, no key)',
    request: { auth: 'none', parts: t2i(), headers: { 'content-length': String(LIMIT + 1) } },
    expect: unauthorized,
  },

  // --- 402
  {
    name: '402: 3 credits cannot pay for sd3-large',
    key: { credits: '3' },
    request: { parts: t2i() },
    expect: { status: 402, name: 'payment_required', errors: ["credits: the balance is below this model's price of 6.5 credits"] },
  },
  {
    name: '402: 6.499 credits cannot pay for sd3-large',
    key: { credits: '6.499' },
    request: { parts: t2i() },
    expect: { status: 402, name: 'payment_required', errors: ["credits: the balance is below this model's price of 6.5 credits"] },
  },
  { name: '402: exactly 6.5 credits pays for sd3-large', key: { credits: '6.5' }, request: { parts: t2i() }, expect: ok() },
  { name: '402: 3 credits still pays for sd3.5-flash', key: { credits: '3' }, request: { parts: t2i({ model: 'sd3.5-flash' }) }, expect: ok({ model: 'sd3.5-flash', cfgScale: 1 }) },
  {
    name: '402: a key whose spending cap is reached',
    key: { credits: '100', cap: 5_000 },
    request: { parts: t2i() },
    expect: { status: 402, name: 'payment_required', errors: ["credits: this key's spending cap does not allow another 6.5 credits"] },
  },

  // --- 403
  { name: '403: a banned word in the prompt', bannedWords: ['cat'], request: { parts: t2i({ prompt: 'a cat on a mat' }) }, expect: moderated },
  { name: '403: banned words are case-insensitive', bannedWords: ['cat'], request: { parts: t2i({ prompt: 'A CAT on a mat' }) }, expect: moderated },
  { name: '403: whole words only ("category" is fine)', bannedWords: ['cat'], request: { parts: t2i({ prompt: 'category theory' }) }, expect: ok({ prompt: 'category theory' }) },
  { name: '403: a banned word in the negative prompt', bannedWords: ['cat'], request: { parts: t2i({ negative_prompt: 'no cat please' }) }, expect: moderated },
  { name: '403: a banned phrase across spaces', bannedWords: ['red panda'], request: { parts: t2i({ prompt: 'a Red  Panda eating' }) }, expect: moderated },
  {
    name: '403: a key limited to sd3-medium asking sd3-large',
    key: { models: ['sd3-medium'] },
    request: { parts: t2i() },
    expect: { status: 403, name: 'permission_denied', errors: ['model: this key may not use sd3-large'] },
  },
  { name: '403: a key limited to sd3-medium asking sd3-medium', key: { models: ['sd3-medium'] }, request: { parts: t2i({ model: 'sd3-medium' }) }, expect: ok({ model: 'sd3-medium' }) },

  // --- 404 and 405
  { name: '404: an unknown path', request: { path: '/sd/v2beta/stable-image/generate/sd4', parts: t2i() }, expect: { status: 404, name: 'not_found', errors: ['path: /sd/v2beta/stable-image/generate/sd4 was not found'] } },
  { name: '404: an unknown GET path', request: { method: 'GET', path: '/nowhere' }, expect: { status: 404, name: 'not_found', errors: ['path: /nowhere was not found'] } },
  {
    name: '405: GET on the sd3 path',
    request: { method: 'GET' },
    expect: { status: 405, name: 'method_not_allowed', errors: ['method: GET is not allowed here; use POST'], headers: { allow: 'POST' } },
  },
  {
    name: '405: PUT on the root sd3 path',
    request: { method: 'PUT', path: ROOT_PATH, parts: t2i() },
    expect: { status: 405, name: 'method_not_allowed', errors: ['method: PUT is not allowed here; use POST'], headers: { allow: 'POST' } },
  },

  // --- 429
  { name: '429: the key\'s third request in its window of 2', key: { rateLimit: { points: 2, windowSeconds: 60 } }, warmup: { count: 2, status: 200 }, request: { parts: t2i() }, expect: rateLimited },
  { name: '429: the per-IP limit applies before authentication', env: { AIGATE_IP_RATE_LIMIT: '3/60s' }, warmup: { count: 3, status: 401 }, request: { auth: 'none', parts: t2i() }, expect: rateLimited },
  { name: '429: the per-IP limit applies to a valid key too', env: { AIGATE_IP_RATE_LIMIT: '3/60s' }, warmup: { count: 3, status: 200 }, request: { parts: t2i() }, expect: rateLimited },

  // --- the upstream's outcomes (§5, §7, §8): only a 200 is charged
  {
    name: 'upstream: CONTENT_FILTERED is still a 200 and is charged',
    upstream: async (r) => ({ ...(await renderFor(r)), finishReason: 'CONTENT_FILTERED' }),
    request: { parts: t2i() },
    expect: ok({}, { finishReason: 'CONTENT_FILTERED' }),
  },
  {
    name: 'upstream: CONTENT_FILTERED as JSON',
    upstream: async (r) => ({ ...(await renderFor(r)), finishReason: 'CONTENT_FILTERED' }),
    request: { parts: t2i(), accept: 'application/json' },
    expect: ok({}, { finishReason: 'CONTENT_FILTERED', json: true }),
  },
  {
    name: 'upstream: a failing channel gives 502 and nothing is charged',
    upstream: async () => {
      throw new Error('connection refused');
    },
    request: { parts: t2i() },
    expect: { status: 502, name: 'upstream_error', errors: ['upstream: every channel failed to generate the image'], providerCalls: 1 },
  },
  {
    name: 'upstream: a timeout gives 504 and nothing is charged',
    upstream: async () => {
      throw upstreamTimeout();
    },
    request: { parts: t2i() },
    expect: { status: 504, name: 'upstream_timeout', errors: ['upstream: the channel did not answer in time'], providerCalls: 1 },
  },
  {
    name: 'upstream: its moderation refusal gives 403 content_moderation and nothing is charged',
    upstream: async () => {
      throw contentModeration();
    },
    request: { parts: t2i() },
    expect: { ...moderated, providerCalls: 1 },
  },
  {
    name: 'upstream: invalid_language is passed through as 422',
    upstream: async () => {
      throw new GatewayError('invalid_language', ['prompt: English is the only supported language for this service.']);
    },
    request: { parts: t2i() },
    expect: { status: 422, name: 'invalid_language', errors: ['prompt: English is the only supported language for this service.'], providerCalls: 1 },
  },
];

// ---------------------------------------------------------------------------------------------
// The runner

/** The stand-in upstream's answer: an image of exactly the requested size and format. */
async function renderFor(request: GenerationRequest): Promise<GenerationResult> {
  return {
    bytes: await solidImage(request.outputFormat, request.width, request.height),
    format: request.outputFormat,
    seed: request.seed || PICKED_SEED,
    finishReason: 'SUCCESS',
  };
}
const imageProvider = (behaviour: (request: GenerationRequest) => Promise<GenerationResult> = renderFor) => countingProvider(behaviour);

function gen(overrides: Partial<GenerationRequest> = {}): Partial<GenerationRequest> {
  return {
    endpoint: 'sd3',
    model: 'sd3-large',
    prompt: PROMPT,
    negativePrompt: undefined,
    width: 1024,
    height: 1024,
    aspectRatio: '1:1',
    seed: 0,
    outputFormat: 'png',
    cfgScale: 4,
    stylePreset: undefined,
    strength: undefined,
    ...overrides,
  };
}

/** Drops undefined values so `{a: undefined}` and `{}` compare equal. */
const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function assertErrors(actual: unknown, expected: readonly (string | RegExp)[]) {
  assert.ok(Array.isArray(actual) && actual.every((e) => typeof e === 'string'), `errors must be strings: ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `errors: ${JSON.stringify(actual)}`);
  const remaining = [...(actual as string[])];
  for (const want of expected) {
    const at = remaining.findIndex((got) => (typeof want === 'string' ? got === want : want.test(got)));
    assert.notEqual(at, -1, `expected ${String(want)} among ${JSON.stringify(actual)}`);
    remaining.splice(at, 1);
  }
}

function assertHeaders(headers: Record<string, unknown>, expected: Record<string, string | RegExp> = {}) {
  for (const [name, want] of Object.entries(expected)) {
    const got = headers[name];
    assert.equal(typeof got, 'string', `header ${name} missing`);
    if (typeof want === 'string') assert.equal(got, want, `header ${name}`);
    else assert.match(got as string, want, `header ${name}`);
  }
}

/** Asserts the error body is exactly `{id, name, errors}` with the id of the response. */
function assertErrorBody(headers: Record<string, unknown>, payload: string, expect: Expectation) {
  assert.match(String(headers['content-type']), /^application\/json/);
  const body = JSON.parse(payload) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['errors', 'id', 'name']);
  assert.match(String(body.id), /^[0-9a-f]{32}$/);
  assert.equal(body.id, headers['x-request-id']);
  assert.ok(expect.name, 'an error row must name the expected error');
  assert.equal(body.name, expect.name);
  assert.ok(expect.errors, 'an error row must list the expected errors');
  assertErrors(body.errors, expect.errors);
}

async function keyState(station: TestStation, keyId: string) {
  const key = await station.store.keys.get(keyId);
  assert.ok(key);
  return {
    balance: key.balance,
    held: key.held,
    spent: key.spent,
    ledger: await station.store.credits.ledger(keyId),
    openHolds: await station.store.credits.openHolds(keyId),
  };
}

async function credentialFor(mode: AuthMode, station: TestStation, keyId: string, plaintext: string): Promise<string | undefined> {
  switch (mode) {
    case 'bearer':
      return `Bearer ${plaintext}`;
    case 'bare':
      return plaintext;
    case 'lowercase':
      return `bearer ${plaintext}`;
    case 'none':
      return undefined;
    case 'bearer-only':
      return 'Bearer';
    case 'garbage':
      return 'Bearer !!not a key at all!!';
    case 'unknown':
      return `Bearer sk-${'A'.repeat(48)}`;
    case 'revoked': {
      assert.equal(await station.store.keys.revoke(keyId, Date.now() - 1_000), true);
      return `Bearer ${plaintext}`;
    }
    case 'expired': {
      const other = await station.key({ expiresAt: Date.now() - 1_000 });
      return `Bearer ${other.plaintext}`;
    }
  }
}

function injectOptions(spec: RequestSpec, authorization: string | undefined) {
  const headers: Record<string, string> = {};
  let payload: string | Buffer | undefined;
  if (spec.body !== undefined) {
    payload = spec.body;
    if (spec.contentType) headers['content-type'] = spec.contentType;
  } else if (spec.parts) {
    const form = multipart(spec.parts);
    payload = form.body;
    headers['content-type'] = spec.contentType ?? form.contentType;
  } else if (spec.contentType) headers['content-type'] = spec.contentType;
  if (authorization !== undefined) headers.authorization = authorization;
  if (spec.accept !== undefined) headers.accept = spec.accept;
  Object.assign(headers, spec.headers);
  return { method: spec.method ?? 'POST', url: spec.path ?? SD_PATH, headers, payload };
}

async function assertSuccess(c: Case, provider: CountingProvider, res: { headers: Record<string, unknown>; rawPayload: Buffer }, requestId: string, before: Awaited<ReturnType<typeof keyState>>, after: Awaited<ReturnType<typeof keyState>>) {
  const expected = gen(c.expect.generation);
  // The provider: called once, with exactly the resolved request.
  assert.equal(provider.calls.length, 1, 'the provider is called once');
  const call = provider.calls[0]!;
  const { image, ...rest } = call;
  assert.deepEqual(defined(rest), defined(expected));
  if (c.expect.inputImage) {
    assert.ok(image, 'the input image reaches the provider');
    assert.equal(image.format, c.expect.inputImage.format);
    assert.equal(image.width, c.expect.inputImage.width);
    assert.equal(image.height, c.expect.inputImage.height);
    assert.ok(image.bytes.equals(c.expect.inputImage.bytes), 'the input image bytes are passed through untouched');
  } else assert.equal(image, undefined);

  // The answer: bytes or JSON, in the requested format and size.
  const format = expected.outputFormat!;
  const mime = `image/${format}`;
  const seed = c.expect.seed ?? (expected.seed || PICKED_SEED);
  let bytes: Buffer;
  if (c.expect.json) {
    assert.equal(res.headers['content-type'], `application/json; type=${mime}`);
    const body = JSON.parse(res.rawPayload.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['finish_reason', 'image', 'seed']);
    assert.equal(body.finish_reason, c.expect.finishReason ?? 'SUCCESS');
    assert.equal(body.seed, seed);
    assert.equal(typeof body.image, 'string');
    bytes = Buffer.from(body.image as string, 'base64');
  } else {
    assert.equal(res.headers['content-type'], mime);
    assert.equal(res.headers['finish-reason'], c.expect.finishReason ?? 'SUCCESS');
    assert.equal(res.headers.seed, String(seed));
    bytes = res.rawPayload;
  }
  assert.equal(res.headers['x-aigate-channel'], 'test');
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.format, format);
  assert.equal(meta.width, expected.width);
  assert.equal(meta.height, expected.height);

  // The money: exactly the model's price, captured once, nothing left held.
  const price = Math.round(PRICE[expected.model!]! * 1000);
  assert.equal(after.balance, before.balance - price);
  assert.equal(after.spent, before.spent + price);
  assert.equal(after.held, 0);
  assert.equal(after.openHolds, 0);
  assert.deepEqual(after.ledger.slice(0, before.ledger.length), before.ledger);
  const added = after.ledger.slice(before.ledger.length);
  assert.equal(added.length, 1, 'one ledger row');
  assert.equal(added[0]!.kind, 'charge');
  assert.equal(added[0]!.amount, -price);
  assert.equal(added[0]!.balanceAfter, after.balance);
  assert.equal(added[0]!.ref, requestId);
}

async function runCase(c: Case) {
  const provider = imageProvider(c.upstream);
  const station = await testStation({ router: routerFor(provider), env: c.env });
  try {
    const { id: keyId, plaintext } = await station.key(c.key ?? {});
    for (const word of c.bannedWords ?? []) assert.equal(await station.store.bannedWords.add(word), true);
    const authorization = await credentialFor(c.request.auth ?? 'bearer', station, keyId, plaintext);
    const options = injectOptions(c.request, authorization);

    for (let i = 0; i < (c.warmup?.count ?? 0); i++) {
      const warm = await station.app.inject(options);
      assert.equal(warm.statusCode, c.warmup!.status, `warm-up ${i + 1}: ${warm.payload.slice(0, 200)}`);
    }
    const callsBefore = provider.calls.length;
    provider.calls.length = 0;
    const before = await keyState(station, keyId);

    const started = performance.now();
    const res = await station.app.inject(options);
    const elapsed = performance.now() - started;
    const after = await keyState(station, keyId);

    assert.equal(res.statusCode, c.expect.status, `status; body: ${res.statusCode === 200 ? '(image)' : res.payload.slice(0, 500)}`);
    const requestId = res.headers['x-request-id'];
    assert.equal(typeof requestId, 'string');
    assert.match(requestId as string, /^[0-9a-f]{32}$/);
    assertHeaders(res.headers, c.expect.headers);
    if (c.expect.withinMs !== undefined) assert.ok(elapsed < c.expect.withinMs, `answered in ${elapsed.toFixed(0)} ms`);
    if (c.warmup?.status === 200) assert.equal(callsBefore, c.warmup.count);

    if (c.expect.status === 200) {
      await assertSuccess(c, provider, res, requestId as string, before, after);
    } else {
      assertErrorBody(res.headers, res.payload, c.expect);
      assert.equal(provider.calls.length, c.expect.providerCalls ?? 0, 'the provider is never called (unless it is the one failing)');
      assert.deepEqual(after, before, 'no credit moves');
      assert.equal(after.openHolds, 0);
    }
  } finally {
    await station.close();
  }
}

describe('POST /v2beta/stable-image/generate/sd3: the contract table', () => {
  it('has at least 60 rows with distinct names', () => {
    assert.ok(cases.length >= 60, `${cases.length} rows`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });
  for (const c of cases) it(c.name, () => runCase(c));
});

// ---------------------------------------------------------------------------------------------
// Chunked and declared-length bodies over a real socket

interface SocketAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Body bytes the client got onto the wire before it stopped. */
  written: number;
  /** The server ended the connection (the client never destroyed it first). */
  closedByServer: boolean;
}

/**
 * POSTs a multipart body made of `head`, `fill` bytes of filler and `tail`, chunked (or with a
 * declared `contentLength` and nothing after the headers when `sendBody` is false). Stops
 * writing as soon as the response arrives.
 */
function socketPost(
  port: number,
  options: { authorization?: string; head: Buffer; fill: number; tail: Buffer; contentLength?: number; sendBody?: boolean; boundary: string },
): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${options.boundary}` };
    if (options.authorization) headers.authorization = options.authorization;
    if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
    else headers['transfer-encoding'] = 'chunked';
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: SD_PATH, headers, agent: false });
    let answered = false;
    let written = 0;
    let clientDestroyed = false;
    let response: { status: number; headers: IncomingHttpHeaders; body: string } | undefined;
    let socketClosed = false;
    const settle = () => {
      if (response && socketClosed) resolve({ ...response, written, closedByServer: !clientDestroyed });
    };

    req.on('socket', (socket) => {
      socket.once('close', () => {
        socketClosed = true;
        settle();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A server that closes on an unread upload may reset the connection after answering.
      if (answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return;
      reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        // A kept-alive connection is ours to close; a closed one was closed by the server.
        if (!socketClosed && res.headers.connection !== 'close') {
          clientDestroyed = true;
          req.destroy();
        }
        settle();
      });
      res.on('error', () => undefined);
    });

    const write = (chunk: Buffer) => {
      written += chunk.length;
      return req.write(chunk);
    };
    async function writer() {
      if (options.sendBody === false) {
        req.flushHeaders();
        return;
      }
      if (!write(options.head)) await new Promise((r) => req.once('drain', r));
      const piece = Buffer.alloc(64 * 1024, 0x62);
      let left = options.fill;
      while (left > 0 && !answered && !req.destroyed) {
        const n = Math.min(left, piece.length);
        left -= n;
        if (!write(n === piece.length ? piece : piece.subarray(0, n))) {
          await new Promise<void>((r) => {
            const done = () => {
              req.off('drain', done);
              req.off('response', done);
              req.off('close', done);
              r();
            };
            req.once('drain', done);
            req.once('response', done);
            req.once('close', done);
          });
        }
      }
      if (!answered && !req.destroyed) {
        write(options.tail);
        req.end();
      }
    }
    writer().catch(reject);
  });
}

describe('sd3 bodies over a real loopback socket', () => {
  const boundary = 'aigate-chunked-boundary-Qx81';
  const head = (prompt: string) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n${prompt}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="none"; filename="none"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  async function listening() {
    const provider = imageProvider();
    const station = await testStation({ router: routerFor(provider) });
    await station.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = station.app.server.address() as AddressInfo;
    const { id, plaintext } = await station.key();
    return { provider, station, port, keyId: id, authorization: `Bearer ${plaintext}` };
  }

  it('a 9 MiB chunked body whose big part is an ignored file is accepted and charged once', { timeout: 30_000 }, async () => {
    const { provider, station, port, keyId, authorization } = await listening();
    try {
      const before = await keyState(station, keyId);
      const h = head(PROMPT);
      const answer = await socketPost(port, { authorization, head: h, fill: 9 * MiB - h.length - tail.length, tail, boundary });
      assert.equal(answer.written, 9 * MiB);
      assert.equal(answer.status, 200, answer.body.slice(0, 300));
      assert.equal(answer.headers['content-type'], 'image/png');
      assert.match(String(answer.headers['x-request-id']), /^[0-9a-f]{32}$/);
      assert.equal(provider.calls.length, 1);
      assert.equal(provider.calls[0]!.prompt, PROMPT);
      const after = await keyState(station, keyId);
      assert.equal(after.balance, before.balance - 6_500);
      assert.equal(after.ledger.length, before.ledger.length + 1);
      assert.equal(after.ledger.at(-1)!.kind, 'charge');
      assert.equal(after.openHolds, 0);
    } finally {
      await station.close();
    }
  });

  it('an 11 MiB chunked body is cut off: 413, the connection closed, nothing charged, no provider call', { timeout: 30_000 }, async () => {
    const { provider, station, port, keyId, authorization } = await listening();
    try {
      const before = await keyState(station, keyId);
      const h = head(PROMPT);
      const answer = await socketPost(port, { authorization, head: h, fill: 11 * MiB - h.length - tail.length, tail, boundary });
      assert.equal(answer.status, 413);
      assert.ok(answer.written > LIMIT, `the body crossed the limit (${answer.written} bytes written)`);
      assert.equal(answer.headers.connection, 'close');
      assert.equal(answer.closedByServer, true);
      assertErrorBody(answer.headers as Record<string, unknown>, answer.body, tooLarge);
      assert.equal(provider.calls.length, 0);
      assert.deepEqual(await keyState(station, keyId), before);
    } finally {
      await station.close();
    }
  });

  it('a declared content-length over 10 MiB is answered 413 before a body byte is sent', { timeout: 30_000 }, async () => {
    const { provider, station, port, keyId, authorization } = await listening();
    try {
      const before = await keyState(station, keyId);
      const answer = await socketPost(port, { authorization, head: Buffer.alloc(0), fill: 0, tail: Buffer.alloc(0), contentLength: LIMIT + 1, sendBody: false, boundary });
      assert.equal(answer.written, 0);
      assert.equal(answer.status, 413);
      assertErrorBody(answer.headers as Record<string, unknown>, answer.body, tooLarge);
      assert.equal(provider.calls.length, 0);
      assert.deepEqual(await keyState(station, keyId), before);
    } finally {
      await station.close();
    }
  });

  it('a malformed part early in a 2 MiB body: 400 and the server closes the connection it stopped reading', { timeout: 30_000 }, async () => {
    const { provider, station, port, keyId, authorization } = await listening();
    try {
      const before = await keyState(station, keyId);
      const broken = Buffer.from(`--${boundary}\r\nthis is not a part header\r\n\r\n`);
      const fill = 2 * MiB;
      const answer = await socketPost(port, { authorization, head: broken, fill, tail, contentLength: broken.length + fill + tail.length, boundary });
      assert.equal(answer.status, 400);
      assertErrorBody(answer.headers as Record<string, unknown>, answer.body, bad(E.malformed));
      // Kept alive, the unread rest of the body would stand in front of the next request forever.
      assert.equal(answer.headers.connection, 'close');
      assert.equal(answer.closedByServer, true);
      assert.equal(provider.calls.length, 0);
      assert.deepEqual(await keyState(station, keyId), before);
    } finally {
      await station.close();
    }
  });

  it('an unauthenticated 11 MiB chunked body gets 401, not 413', { timeout: 30_000 }, async () => {
    const { provider, station, port, keyId } = await listening();
    try {
      const before = await keyState(station, keyId);
      const h = head(PROMPT);
      const answer = await socketPost(port, { head: h, fill: 11 * MiB - h.length - tail.length, tail, boundary });
      assert.equal(answer.status, 401);
      assertErrorBody(answer.headers as Record<string, unknown>, answer.body, unauthorized);
      assert.equal(provider.calls.length, 0);
      assert.deepEqual(await keyState(station, keyId), before);
    } finally {
      await station.close();
    }
  });
});
