/**
 * @module A loopback Fireworks AI speaking its two image APIs: JSON to
 * `/inference/v1/workflows/<resource>/text_to_image` (SD3.5, sized by aspect ratio) and to
 * `/inference/v1/image_generation/<resource>` (SDXL, sized from a fixed list), multipart to
 * `.../image_to_image`; answers are image bytes with `Finish-Reason` and `Seed` headers.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import sharp from 'sharp';
import { z } from 'zod';
import { bearer, json, simImage, startSimulator, type Simulator } from './sim-kit.js';

/** What the workflows API renders per aspect ratio (SD3's ~1 MP table; 4:3 and 3:4 are extra). */
const ASPECT_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024], '21:9': [1536, 640], '16:9': [1344, 768], '3:2': [1216, 832], '5:4': [1088, 896], '4:5': [896, 1088],
  '2:3': [832, 1216], '9:16': [768, 1344], '9:21': [640, 1536], '4:3': [1152, 896], '3:4': [896, 1152],
};
const SDXL_SIZES = ['640x1536', '768x1344', '832x1216', '896x1152', '1024x1024', '1152x896', '1216x832', '1344x768', '1536x640'];
const RESOURCE = 'accounts/[^/]+/(?:models|deployedModels)/[^/]+';
const WORKFLOWS = new RegExp(`^/inference/v1/workflows/(${RESOURCE})/text_to_image$`);
const IMAGE_GENERATION = new RegExp(`^/inference/v1/image_generation/(${RESOURCE})(/image_to_image)?$`);

/** Fireworks' error envelope (the 401 and 412 bodies are captured from the live service). */
const fireworksError = (res: ServerResponse, status: number, code: string, message: string, param: string | null = null) =>
  json(res, status, { error: { message, param, code, type: 'error' }, request_id: randomUUID() });

function answerStatus(res: ServerResponse, status: number): void {
  if (status === 429) {
    // Rate limits use a different, flat envelope.
    return json(res, 429, { error: 'Too Many Requests', message: 'You have exceeded your usage limits. Please try again later or contact Fireworks to explore dedicated capacity.' });
  }
  if (status === 401) return fireworksError(res, 401, 'UNAUTHORIZED', 'The API key you provided is invalid.');
  if (status === 412) return fireworksError(res, 412, 'PRECONDITION_FAILED', 'Account sim is suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices. Please go to https://fireworks.ai/account/billing for more information.');
  if (status === 400) return fireworksError(res, 400, 'INVALID_ARGUMENT', 'prompt: the prompt is longer than this model accepts', 'prompt');
  if (status === 404) return fireworksError(res, 404, 'NOT_FOUND', 'Model not found, inaccessible, and/or not deployed');
  fireworksError(res, status, status >= 500 ? 'INTERNAL' : 'UNKNOWN', status >= 500 ? 'Internal server error' : `status ${status}`);
}

/** Request models; JSON must carry real types, form fields arrive as text and are coerced. */
function schema(kind: 'workflows' | 'image_generation' | 'image_to_image') {
  const form = kind === 'image_to_image';
  const num = form ? z.coerce.number() : z.number();
  const bool = form ? z.enum(['true', 'false']).transform((v) => v === 'true') : z.boolean();
  const common = { prompt: z.string().min(1), negative_prompt: z.string().optional(), seed: num.int().min(0).max(4294967295).optional(), safety_check: bool.optional() };
  if (kind === 'workflows') {
    return z.strictObject({ ...common, aspect_ratio: z.enum(Object.keys(ASPECT_SIZES)).optional(), guidance_scale: num.min(0).max(20).optional(), num_inference_steps: num.int().min(1).max(100).optional() });
  }
  const sized = { ...common, width: num.int().optional(), height: num.int().optional(), cfg_scale: num.int().min(0).max(35).optional(), steps: num.int().min(1).max(150).optional() };
  const i2i = { init_image_mode: z.literal('IMAGE_STRENGTH'), image_strength: num.min(0).max(1) };
  return z.strictObject(form ? { ...sized, ...i2i } : sized).refine((b) => SDXL_SIZES.includes(`${b.width ?? 1024}x${b.height ?? 1024}`), {
    path: ['height'],
    message: `height and width must be one of ${SDXL_SIZES.join(', ')}`,
  });
}

function readForm(req: IncomingMessage, body: Buffer): Promise<{ fields: Record<string, string>; image?: Buffer }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let image: Buffer | undefined;
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => name === 'init_image' && (image = Buffer.concat(chunks)));
    });
    parser.on('close', () => resolve({ fields, image })).on('error', reject);
    parser.end(body);
  });
}

export async function startFireworksSimulator(options: { credentials?: string; pollSteps?: number } = {}): Promise<Simulator> {
  const credentials = options.credentials ?? 'fw_sim_key';
  return startSimulator(async (req, res, body, ctx) => {
    const path = req.url ?? '/';
    const match = WORKFLOWS.exec(path) ?? IMAGE_GENERATION.exec(path);
    if (!match) return fireworksError(res, 404, 'NOT_FOUND', 'Not Found');
    if (req.method !== 'POST') return fireworksError(res, 405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed');
    if (bearer(req) !== credentials) return answerStatus(res, 401);
    const kind = WORKFLOWS.test(path) ? 'workflows' : match[2] ? 'image_to_image' : 'image_generation';
    const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
    if (multipart !== (kind === 'image_to_image')) {
      return fireworksError(res, 400, 'INVALID_ARGUMENT', `content-type: expected ${multipart ? 'application/json' : 'multipart/form-data'}`);
    }
    let raw: Record<string, unknown>;
    let image: Buffer | undefined;
    try {
      ({ fields: raw, image } = multipart ? await readForm(req, body) : { fields: JSON.parse(body.toString('utf8')) as Record<string, unknown> });
    } catch {
      return fireworksError(res, 400, 'INVALID_ARGUMENT', 'body: malformed request body');
    }
    const parsed = schema(kind).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0] ?? 'body');
      return fireworksError(res, 400, 'INVALID_ARGUMENT', `${param}: ${issue.code === 'unrecognized_keys' ? 'extra fields not permitted' : issue.message}`, param);
    }
    if (kind === 'image_to_image' && !(image && (await sharp(image).metadata().then(() => true, () => false)))) {
      return fireworksError(res, 400, 'INVALID_ARGUMENT', 'init_image: cannot identify image file', 'init_image');
    }
    const accept = req.headers.accept ?? '';
    const format = accept === 'image/jpeg' ? 'jpeg' : accept === 'image/png' ? 'png' : undefined;
    if (!format) return fireworksError(res, 406, 'INVALID_ARGUMENT', 'accept: must be image/png or image/jpeg');
    const fields = parsed.data as Record<string, unknown>;
    const resource = match[1]!;
    const num = (name: string) => (typeof fields[name] === 'number' ? (fields[name] as number) : undefined);
    const [width, height] = kind === 'workflows' ? ASPECT_SIZES[String(fields.aspect_ratio ?? '1:1')]! : [num('width') ?? 1024, num('height') ?? 1024];
    const strength = num('image_strength');
    ctx.sim.calls.push({
      path,
      credential: bearer(req),
      model: resource.startsWith('accounts/fireworks/models/') ? resource.slice('accounts/fireworks/models/'.length) : resource,
      prompt: fields.prompt as string,
      negativePrompt: fields.negative_prompt as string | undefined,
      seed: num('seed'),
      width,
      height,
      // Fireworks' image_strength keeps the input; the station's strength replaces it.
      strength: strength === undefined ? undefined : Number((1 - strength).toFixed(6)),
      hasImage: image !== undefined,
      outputFormat: format,
      raw,
    });
    const fault = ctx.takeFault();
    const garbage = () => {
      res.writeHead(200, { 'content-type': `image/${format}`, 'finish-reason': 'SUCCESS', seed: '1' });
      res.end('<html><body>upstream proxy error</body></html>');
    };
    if (await ctx.applyTransportFault(fault, res, req, garbage)) return;
    if (fault?.kind === 'status') return answerStatus(res, fault.status);
    // Fireworks never refuses on moderation: with safety_check it returns a blacked-out image.
    const filtered = fault?.kind === 'moderation';
    const seed = num('seed') || randomInt(1, 2 ** 31);
    const bytes = await simImage(width, height, format, filtered ? 0 : seed);
    res.writeHead(200, { 'content-type': `image/${format}`, 'content-length': bytes.length, 'finish-reason': filtered ? 'CONTENT_FILTERED' : 'SUCCESS', seed: String(seed) });
    res.end(bytes);
  });
}
