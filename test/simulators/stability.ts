/**
 * @module A loopback Stability AI v2beta (`/v2beta/stable-image/generate/<sd3|ultra|core>`):
 * multipart in, validated like Stability (every problem listed, then the key checked), image
 * bytes out at Stability's size with `finish-reason` and `seed` headers, errors as `{id, name, errors}`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import sharp from 'sharp';
import { ASPECT_RATIOS, nearestAspectRatio, sizeFor, type AspectRatio, type Size } from '../../src/generation/sizes.js';
import { bearer, json, noisyImage, simImage, startSimulator, type Simulator } from './sim-kit.js';

export const STABILITY_SIM_KEY = 'sk-simulatedStabilityKey0123456789abcdefghijklmnop';
const SD3_MODELS = ['sd3-large', 'sd3-large-turbo', 'sd3-medium', 'sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'];
const FORMATS = ['png', 'jpeg', 'webp'] as const;
const STYLE_PRESETS = ['enhance', 'anime', 'photographic', 'digital-art', 'comic-book', 'fantasy-art', 'line-art', 'analog-film', 'neon-punk',
  'isometric', 'low-poly', 'origami', 'modeling-compound', 'cinematic', '3d-model', 'pixel-art', 'tile-texture'];
const MAX_SEED = 4_294_967_294;
const MODERATED = 'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.';

/** Stability's own names and messages for the statuses a test can ask for. */
const STATUS_ERRORS: Record<number, [string, string]> = {
  400: ['bad_request', 'style_preset: must be one of the documented presets'],
  401: ['unauthorized', 'authorization: invalid or missing header value'],
  402: ['payment_required', 'You lack sufficient credits to make this request. Please purchase more credits and try again.'],
  403: ['content_moderation', MODERATED],
  404: ['not_found', 'path: not found'],
  413: ['payload_too_large', 'body: payloads cannot be larger than 10MiB in size'],
  422: ['invalid_language', 'prompt: English is the only supported language for this service.'],
  429: ['rate_limit_exceeded', 'You have exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60 seconds.'],
};

function refuse(res: ServerResponse, status: number, errors?: string[]): void {
  const [known, message] = STATUS_ERRORS[status] ?? ['internal_error', 'An unexpected server error has occurred, please try again later.'];
  json(res, status, { id: randomBytes(16).toString('hex'), name: known, errors: errors ?? [message] });
}

interface Form {
  fields: Map<string, string>;
  files: Map<string, Buffer>;
  duplicates: Set<string>;
}

/** undefined: not multipart/form-data, or malformed. */
function parseForm(req: IncomingMessage, body: Buffer): Promise<Form | undefined> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const form: Form = { fields: new Map(), files: new Map(), duplicates: new Set() };
    const seen = (name: string) => (form.fields.has(name) || form.files.has(name)) && form.duplicates.add(name);
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => (seen(name), form.fields.set(name, value)));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (seen(name), form.files.set(name, Buffer.concat(chunks))));
    });
    parser.on('close', () => resolve(form));
    parser.on('error', () => resolve(undefined));
    parser.end(body);
  });
}

/** Every problem with the form, as Stability lists them, and the size it would produce. */
async function validate(endpoint: string, form: Form, models: readonly string[]): Promise<{ errors: string[]; size: Size }> {
  const f = form.fields;
  const errors = [...form.duplicates].map((name) => `${name}: must be sent only once`);
  const oneOf = (name: string, allowed: readonly string[]) => {
    const value = f.get(name);
    if (value !== undefined && !allowed.includes(value)) errors.push(`${name}: must be one of ${allowed.join(', ')}`);
  };
  const numberIn = (name: string, min: number, max: number) => {
    const value = f.get(name);
    if (value !== undefined && !(value.trim() !== '' && Number(value) >= min && Number(value) <= max)) errors.push(`${name}: must be a number between ${min} and ${max}`);
  };
  const prompt = f.get('prompt');
  if (!prompt) errors.push('prompt: is required');
  else if (prompt.length > 10_000) errors.push('prompt: must be at most 10000 characters');
  if ((f.get('negative_prompt') ?? '').length > 10_000) errors.push('negative_prompt: must be at most 10000 characters');
  const seed = f.get('seed');
  if (seed !== undefined && !(/^\d+$/.test(seed) && Number(seed) <= MAX_SEED)) errors.push(`seed: must be an integer between 0 and ${MAX_SEED}`);
  oneOf('output_format', FORMATS);
  oneOf('style_preset', STYLE_PRESETS);
  oneOf('aspect_ratio', ASPECT_RATIOS);
  numberIn('strength', 0, 1);
  const image = form.files.get('image');
  let withImage = false;
  if (endpoint === 'sd3') {
    oneOf('model', models);
    oneOf('mode', ['text-to-image', 'image-to-image']);
    numberIn('cfg_scale', 1, 10);
    withImage = f.get('mode') === 'image-to-image';
    if (withImage && !image) errors.push('image: is required for image-to-image');
    if (withImage && !f.has('strength')) errors.push('strength: is required for image-to-image');
    if (withImage && f.has('aspect_ratio')) errors.push('aspect_ratio: is only valid for text-to-image');
    if (!withImage && image) errors.push('image: is only valid for image-to-image');
    if (!withImage && f.has('strength')) errors.push('strength: is only valid for image-to-image');
  } else if (endpoint === 'ultra' && image) {
    withImage = true;
    if (!f.has('strength')) errors.push('strength: is required when image is provided');
  }
  let size = sizeFor(endpoint === 'core' ? 'core' : 'sd3', (f.get('aspect_ratio') ?? '1:1') as AspectRatio);
  if (withImage && image) {
    const meta = await sharp(image).metadata().catch(() => undefined);
    if (!meta?.width || !meta.height || !['png', 'jpeg', 'webp'].includes(meta.format ?? '')) errors.push('image: must be a jpeg, png or webp image');
    else if (meta.width < 64 || meta.height < 64) errors.push('image: each side must be at least 64 pixels');
    else size = sizeFor('sd3', nearestAspectRatio(meta.width, meta.height));
  }
  return { errors, size };
}

export async function startStabilitySimulator(
  /** `noisy`: answer large images (about 3 MB at 1 MP) that arrive in many chunks. */
  options: { credentials?: string; pollSteps?: number; models?: readonly string[]; noisy?: boolean } = {},
): Promise<Simulator> {
  const key = options.credentials ?? STABILITY_SIM_KEY;
  const models = options.models ?? SD3_MODELS;
  return startSimulator(async (req, res, body, ctx) => {
    const endpoint = /^\/v2beta\/stable-image\/generate\/(sd3|ultra|core)$/.exec(new URL(req.url ?? '/', 'http://sim').pathname)?.[1];
    if (!endpoint || req.method !== 'POST') return refuse(res, 404, [`path: ${req.method} ${req.url} was not found`]);
    const form = await parseForm(req, body);
    if (!form) return refuse(res, 400, ['content-type: must be multipart/form-data']);
    // Stability validates the body before it checks the key.
    const { errors, size } = await validate(endpoint, form, models);
    if (errors.length > 0) return refuse(res, 400, errors);
    // Stability takes `Bearer <key>` and, as its own ComfyUI nodes send it, the bare key.
    const credential = bearer(req) ?? (req.headers.authorization?.trim() || undefined);
    if (credential !== key) return refuse(res, 401);
    const f = form.fields;
    const format = (f.get('output_format') ?? 'png') as (typeof FORMATS)[number];
    const strength = f.get('strength');
    ctx.sim.calls.push({
      path: req.url ?? '', credential, model: f.get('model'), prompt: f.get('prompt'), negativePrompt: f.get('negative_prompt'),
      seed: f.has('seed') ? Number(f.get('seed')) : undefined, width: size.width, height: size.height,
      strength: strength === undefined ? undefined : Number(strength), hasImage: form.files.has('image'), outputFormat: format,
      raw: Object.fromEntries(f),
    });
    const fault = ctx.takeFault();
    const garbage = () => res.writeHead(200, { 'content-type': `image/${format}`, 'finish-reason': 'SUCCESS', seed: '1' }).end('<html>oops</html>');
    if (await ctx.applyTransportFault(fault, res, req, garbage)) return;
    if (fault?.kind === 'status') return refuse(res, fault.status);
    if (fault?.kind === 'moderation') return refuse(res, 403);
    const seed = Number(f.get('seed') ?? 0) || randomInt(1, MAX_SEED + 1);
    const bytes = await (options.noisy ? noisyImage : simImage)(size.width, size.height, format, seed);
    const requestId = randomBytes(16).toString('hex');
    if (/application\/json/i.test(req.headers.accept ?? '')) {
      return json(res, 200, { image: bytes.toString('base64'), finish_reason: 'SUCCESS', seed }, { 'content-type': `application/json; type=image/${format}`, 'x-request-id': requestId });
    }
    res.writeHead(200, { 'content-type': `image/${format}`, 'content-length': bytes.length, 'finish-reason': 'SUCCESS', seed: String(seed), 'x-request-id': requestId });
    if (fault?.kind === 'cut-after') return void res.write(bytes.subarray(0, fault.bytes), () => req.socket.destroy());
    if (fault?.kind === 'stall-after') {
      ctx.sim.stalledClosed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
      return void res.write(bytes.subarray(0, fault.bytes));
    }
    res.end(bytes);
  });
}
