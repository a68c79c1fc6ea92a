/**
 * @module A loopback AUTOMATIC1111 webui API (`/sdapi/v1/txt2img`, `/sdapi/v1/img2img`): Basic auth
 * as `--api-auth` does it, pydantic v1 validation as FastAPI 0.94 answers it, and the webui's
 * `{"error", "detail", "body", "errors"}` wrapper for every HTTPException.
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { json, simImage, startSimulator, type Simulator } from './sim-kit.js';

type FieldType = 'int' | 'float' | 'str' | 'bool' | 'dict' | 'list' | 'prompt';

/** A subset of the fields the webui derives from StableDiffusionProcessing*; any other is ignored, as pydantic does. */
const COMMON: Record<string, FieldType> = {
  prompt: 'prompt', negative_prompt: 'prompt', styles: 'list', seed: 'int', subseed: 'int', subseed_strength: 'float',
  sampler_name: 'str', sampler_index: 'str', scheduler: 'str', batch_size: 'int', n_iter: 'int', steps: 'int',
  cfg_scale: 'float', width: 'int', height: 'int', restore_faces: 'bool', tiling: 'bool', denoising_strength: 'float',
  override_settings: 'dict', override_settings_restore_afterwards: 'bool', script_name: 'str', script_args: 'list',
  send_images: 'bool', save_images: 'bool', alwayson_scripts: 'dict', force_task_id: 'str', enable_hr: 'bool',
};
const IMG2IMG: Record<string, FieldType> = { ...COMMON, init_images: 'list', resize_mode: 'int', mask: 'str', image_cfg_scale: 'float', include_init_images: 'bool' };

/** pydantic v1's messages and types for the coercions it refuses. */
const REFUSAL: Record<FieldType, [string, string]> = {
  int: ['value is not a valid integer', 'type_error.integer'], float: ['value is not a valid float', 'type_error.float'],
  str: ['str type expected', 'type_error.str'], bool: ['value could not be parsed to a boolean', 'type_error.bool'],
  dict: ['value is not a valid dict', 'type_error.dict'], list: ['value is not a valid list', 'type_error.list'],
  prompt: ['str type expected', 'type_error.str'],
};
const BOOL_WORDS = ['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n'];
const SAMPLERS = ['Euler', 'Euler a', 'DPM++ 2M', 'DPM++ SDE', 'DPM++ 2M SDE', 'Heun', 'LMS', 'DDIM', 'UniPC', 'LCM', 'k_euler', 'k_euler_a'];

/** pydantic v1 coercion (numbers from numeric strings, str from numbers); null is fine, every field being Optional. */
function accepts(type: FieldType, v: unknown): boolean {
  if (v === null) return true;
  const numeric = typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
  if (type === 'int') return numeric && (typeof v !== 'string' || Number.isInteger(Number(v)));
  if (type === 'float') return numeric;
  if (type === 'str') return typeof v === 'string' || typeof v === 'number';
  if (type === 'bool') return typeof v === 'boolean' || v === 0 || v === 1 || (typeof v === 'string' && BOOL_WORDS.includes(v.toLowerCase()));
  if (type === 'dict') return typeof v === 'object' && !Array.isArray(v);
  if (type === 'list') return Array.isArray(v);
  return typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

const detail = (loc: (string | number)[], [msg, type]: [string, string]) => ({ loc, msg, type });

/** The webui's handle_exception body for an HTTPException (starlette's str() is "<status>: <detail>"). */
const httpException = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) =>
  json(res, status, { error: 'HTTPException', detail: text, body: '', errors: `${status}: ${text}` }, headers);

/** What each injected status looks like from a webui (or the proxy in front of it, for 429/502/503/504). */
function answerStatus(res: ServerResponse, status: number): void {
  if (status === 422) return json(res, 422, { detail: [detail(['body', 'steps'], REFUSAL.int)] });
  if (status === 400) return httpException(res, 400, 'Sampler not found');
  if (status === 401) return httpException(res, 401, 'Incorrect username or password', { 'www-authenticate': 'Basic' });
  if (status === 500) return json(res, 500, { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.00 GiB' });
  if (status === 429 || status >= 502) {
    const html = `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
    res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
    return void res.end(html);
  }
  return httpException(res, status, 'Error');
}

/** HTTPBasic then the --api-auth check; returns the `user:pass` presented, or undefined after refusing. */
function authorize(req: IncomingMessage, res: ServerResponse, credentials: string | undefined): string | null | undefined {
  const [scheme, param] = (req.headers.authorization ?? '').split(/\s+/, 2);
  if (!credentials) return scheme?.toLowerCase() === 'basic' && param ? Buffer.from(param, 'base64').toString('utf8') : null;
  if (scheme?.toLowerCase() !== 'basic' || !param) return void httpException(res, 401, 'Not authenticated', { 'www-authenticate': 'Basic' });
  const presented = Buffer.from(param, 'base64').toString('utf8');
  if (!presented.includes(':')) return void httpException(res, 401, 'Invalid authentication credentials', { 'www-authenticate': 'Basic' });
  if (presented !== credentials) return void httpException(res, 401, 'Incorrect username or password', { 'www-authenticate': 'Basic' });
  return presented;
}

/** FastAPI's body parsing and the model's validation; returns the fields, or undefined after a 422. */
function validate(req: IncomingMessage, res: ServerResponse, raw: Buffer, fields: Record<string, FieldType>): Record<string, unknown> | undefined {
  const type = req.headers['content-type'];
  if (raw.length === 0) return void json(res, 422, { detail: [detail(['body'], ['field required', 'value_error.missing'])] });
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) return void json(res, 422, { detail: [detail(['body'], REFUSAL.dict)] });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return void json(res, 422, { detail: [detail(['body', 0], ['Expecting value: line 1 column 1 (char 0)', 'value_error.jsondecode'])] });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return void json(res, 422, { detail: [detail(['body'], REFUSAL.dict)] });
  const record = body as Record<string, unknown>;
  const errors = Object.entries(fields).filter(([k, t]) => k in record && !accepts(t, record[k])).map(([k, t]) => detail(['body', k], REFUSAL[t]));
  return errors.length > 0 ? void json(res, 422, { detail: errors }) : record;
}

const num = (v: unknown, fallback: number) => (v === null || v === undefined ? fallback : Math.trunc(Number(v)));

export async function startA1111Simulator(options: { credentials?: string; pollSteps?: number } = {}): Promise<Simulator> {
  return startSimulator(async (req, res, raw, ctx) => {
    const img2img = req.url === '/sdapi/v1/img2img';
    if (req.url !== '/sdapi/v1/txt2img' && !img2img) return json(res, 404, { detail: 'Not Found' });
    if (req.method !== 'POST') return json(res, 405, { detail: 'Method Not Allowed' }, { allow: 'POST' });
    const credential = authorize(req, res, options.credentials);
    if (credential === undefined) return;
    const body = validate(req, res, raw, img2img ? IMG2IMG : COMMON);
    if (!body) return;
    const asked = num(body.seed, -1);
    const seed = asked === -1 ? randomInt(1, 4_294_967_294) : asked;
    const [width, height] = [num(body.width, 512), num(body.height, 512)].map((side) => side - (side % 8)) as [number, number];
    const checkpoint = (body.override_settings as Record<string, unknown> | null | undefined)?.sd_model_checkpoint;
    const initImages = Array.isArray(body.init_images) ? body.init_images : [];
    ctx.sim.calls.push({
      path: req.url ?? '', credential: credential ?? undefined, model: typeof checkpoint === 'string' ? checkpoint : undefined,
      prompt: typeof body.prompt === 'string' ? body.prompt : undefined, negativePrompt: typeof body.negative_prompt === 'string' ? body.negative_prompt : undefined,
      seed: asked === -1 ? undefined : asked, width, height, hasImage: initImages.length > 0, outputFormat: undefined, raw: body,
      // denoising_strength already means what the station's strength means.
      strength: img2img ? Number(body.denoising_strength ?? 0.75) : undefined,
    });
    const fault = ctx.takeFault();
    const garbage = () => json(res, 200, { images: [Buffer.from('not an image').toString('base64')], parameters: {}, info: '{}' });
    if (await ctx.applyTransportFault(fault, res, req, garbage)) return;
    // The webui API has no moderation refusal: a {kind: 'moderation'} fault generates as usual.
    if (fault?.kind === 'status') return answerStatus(res, fault.status);
    const sampler = body.sampler_name ?? body.sampler_index ?? 'Euler';
    if (!SAMPLERS.includes(String(sampler))) return httpException(res, 400, 'Sampler not found');
    if (img2img && body.init_images == null) return httpException(res, 404, 'Init image not found');
    for (const image of initImages) {
      const ok = await sharp(Buffer.from(String(image).replace(/^data:image\/[^,]*,/, ''), 'base64')).metadata().then(() => true, () => false);
      if (!ok) return httpException(res, 500, 'Invalid encoded image');
    }
    const image = (await simImage(width, height, 'png', seed)).toString('base64');
    const info = { prompt: body.prompt ?? '', all_prompts: [body.prompt ?? ''], negative_prompt: body.negative_prompt ?? '', seed, all_seeds: [seed],
      subseed: seed + 1, width, height, sampler_name: sampler, cfg_scale: Number(body.cfg_scale ?? 7), steps: num(body.steps, 50), batch_size: 1,
      sd_model_name: typeof checkpoint === 'string' ? checkpoint : 'sd3.5_large', denoising_strength: body.denoising_strength ?? null, infotexts: [] };
    json(res, 200, { images: [image], parameters: { ...body, ...(img2img ? { init_images: null } : {}) }, info: JSON.stringify(info) });
  });
}
