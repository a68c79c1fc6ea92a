/**
 * @module A loopback Replicate: `POST /v1/models/<owner>/<name>/predictions` (bearer token,
 * `Prefer: wait`, the model's input schema checked as Replicate does, 422 with `invalid_fields`),
 * `GET /v1/predictions/<id>` to poll, and the output file served from its own URL.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { json, simImage, startSimulator, type Fault, type SimContext, type Simulator } from './sim-kit.js';

export const REPLICATE_SIM_TOKEN = 'r8_SimulatorToken000000000000000000000000';

type Field = { type: 'string' } | { type: 'integer' | 'number'; min?: number; max?: number } | { type: 'enum'; values: readonly string[] };
interface Schema { required: readonly string[]; fields: Readonly<Record<string, Field>> }

const str: Field = { type: 'string' };
const num = (min: number, max: number): Field => ({ type: 'number', min, max });
const int = (min?: number, max?: number): Field => ({ type: 'integer', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
/** t2i output sizes per aspect ratio, as Stability's SD3.5 produces them. */
const SIZES: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024], '16:9': [1344, 768], '21:9': [1536, 640], '3:2': [1216, 832], '2:3': [832, 1216], '4:5': [896, 1088],
  '5:4': [1088, 896], '3:4': [896, 1152], '4:3': [1152, 896], '9:16': [768, 1344], '9:21': [640, 1536],
};
const common = { prompt: str, aspect_ratio: { type: 'enum', values: Object.keys(SIZES) }, image: str, prompt_strength: num(0, 1), seed: int(), output_format: { type: 'enum', values: ['webp', 'jpg', 'png'] } } as const;
/** Input schemas of the current versions, from each model's API page on replicate.com. */
const SD35: Schema = { required: ['prompt'], fields: { ...common, negative_prompt: str, cfg: num(1, 10) } };
const MODELS: Readonly<Record<string, Schema>> = {
  'stability-ai/stable-diffusion-3.5-large': SD35,
  'stability-ai/stable-diffusion-3.5-medium': SD35,
  'stability-ai/stable-diffusion-3.5-large-turbo': { required: ['prompt'], fields: { ...common, cfg: num(0, 20), steps: int(1, 10), output_quality: int(0, 100) } },
  'stability-ai/stable-diffusion-3': { required: [], fields: { ...common, negative_prompt: str, cfg: num(0, 20), steps: int(1, 28), output_quality: int(0, 100) } },
};
const TOP_LEVEL = new Set(['input', 'stream', 'webhook', 'webhook_events_filter']);

/** The failure message of Replicate's Stable Diffusion safety checker (replicate/cog-stable-diffusion). */
export const NSFW_ERROR = 'NSFW content detected. Try running it again, or try a different prompt.';

const problem = (res: ServerResponse, status: number, title: string, detail: string, extra: object = {}, headers: Record<string, string> = {}) =>
  json(res, status, { title, detail, status, ...extra }, headers);
const PROBLEMS: Readonly<Record<number, readonly [string, string]>> = {
  400: ['Bad request', 'The request body could not be parsed.'],
  402: ['Insufficient credit', 'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.'],
  403: ['Forbidden', 'You do not have permission to perform this action.'],
  404: ['Not found', 'The requested resource could not be found.'],
  429: ['Request was throttled.', 'Request was throttled. Expected available in 1 second.'],
};
function answerStatus(res: ServerResponse, status: number): void {
  if (status === 401) return problem(res, 401, 'Unauthenticated', 'You did not pass a valid authentication token');
  const [title, detail] = PROBLEMS[status] ?? ['Internal server error', 'Something went wrong on our end.'];
  problem(res, status, title, detail, {}, status === 429 ? { 'retry-after': '1' } : {});
}

interface Invalid { type: string; field: string; description: string }
function checkBody(body: unknown, schema: Schema): Invalid[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [{ type: 'invalid_type', field: '', description: 'Invalid type. Expected: object' }];
  const problems: Invalid[] = Object.keys(body).filter((k) => !TOP_LEVEL.has(k)).map((k) => ({ type: 'additional_property_not_allowed', field: '', description: `Additional property ${k} is not allowed` }));
  const input = (body as Record<string, unknown>).input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [...problems, { type: 'required', field: '', description: 'input is required' }];
  for (const key of schema.required) if (!(key in input)) problems.push({ type: 'required', field: 'input', description: `${key} is required` });
  for (const [key, value] of Object.entries(input)) {
    const field = schema.fields[key];
    const at = `input.${key}`;
    if (!field) problems.push({ type: 'additional_property_not_allowed', field: 'input', description: `Additional property ${key} is not allowed` });
    else if (field.type === 'enum') {
      if (!field.values.includes(value as string)) problems.push({ type: 'enum', field: at, description: `${key} must be one of the following: ${field.values.map((v) => `"${v}"`).join(', ')}` });
    } else if (field.type === 'string' ? typeof value !== 'string' : typeof value !== 'number' || (field.type === 'integer' && !Number.isInteger(value))) {
      problems.push({ type: 'invalid_type', field: at, description: `Invalid type. Expected: ${field.type}, given: ${Array.isArray(value) ? 'array' : typeof value}` });
    } else if (field.type !== 'string' && field.min !== undefined && (value as number) < field.min) {
      problems.push({ type: 'number_gte', field: at, description: `Must be greater than or equal to ${field.min}` });
    } else if (field.type !== 'string' && field.max !== undefined && (value as number) > field.max) {
      problems.push({ type: 'number_lte', field: at, description: `Must be less than or equal to ${field.max}` });
    }
  }
  return problems;
}

interface SimPrediction { id: string; model: string; input: Record<string, unknown>; status: string; output: string | null; error: string | null; remaining: number; moderated: boolean; size: readonly [number, number]; created_at: string }

/** Image-to-image follows the input's proportions at about 1 MP, in multiples of 64; a data URI that is no image fails the run. */
async function outputSize(input: Record<string, unknown>): Promise<readonly [number, number] | undefined> {
  const image = input.image;
  if (typeof image !== 'string' || !image.startsWith('data:')) return SIZES[(input.aspect_ratio as string | undefined) ?? '1:1'];
  const meta = await sharp(Buffer.from(image.slice(image.indexOf(',') + 1), 'base64')).metadata().catch(() => undefined);
  if (!meta?.width || !meta.height) return undefined;
  const ratio = meta.width / meta.height;
  return [Math.round(Math.sqrt(1048576 * ratio) / 64) * 64, Math.round(Math.sqrt(1048576 / ratio) / 64) * 64];
}

export async function startReplicateSimulator(options: { credentials?: string; pollSteps?: number } = {}): Promise<Simulator> {
  const token = options.credentials ?? REPLICATE_SIM_TOKEN;
  const predictions = new Map<string, SimPrediction>();
  const files = new Map<string, { bytes: Buffer; type: string }>();
  let sim: Simulator;

  const view = (p: SimPrediction) => ({
    id: p.id, model: p.model, version: 'hidden', input: p.input, logs: '', output: p.output, error: p.error, status: p.status,
    created_at: p.created_at, data_removed: false, urls: { get: `${sim.url}/v1/predictions/${p.id}`, cancel: `${sim.url}/v1/predictions/${p.id}/cancel`, web: `https://replicate.com/p/${p.id}` },
  });

  async function finish(p: SimPrediction): Promise<void> {
    if (p.moderated) return void Object.assign(p, { status: 'failed', error: NSFW_ERROR });
    const format = (p.input.output_format as string | undefined) ?? 'webp';
    const bytes = await simImage(p.size[0], p.size[1], format === 'jpg' ? 'jpeg' : (format as 'png' | 'webp'), p.input.seed as number);
    const name = `${randomBytes(12).toString('hex')}/out-0.${format}`;
    files.set(name, { bytes, type: `image/${format === 'jpg' ? 'jpeg' : format}` });
    Object.assign(p, { status: 'succeeded', output: `${sim.url}/delivery/${name}` });
  }

  async function create(req: IncomingMessage, res: ServerResponse, raw: Buffer, ctx: SimContext, owner: string, name: string, credential: string): Promise<void> {
    const fault: Fault | undefined = ctx.takeFault();
    const garbage = () => (res.writeHead(201, { 'content-type': 'text/html' }), res.end('<html><body>upstream hiccup</body></html>'));
    if (await ctx.applyTransportFault(fault, res, req, garbage)) return;
    if (fault?.kind === 'status') return answerStatus(res, fault.status);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return answerStatus(res, 400);
    }
    const invalid = checkBody(body, MODELS[`${owner}/${name}`] ?? SD35); // unknown (mapped) models take the 3.5 schema
    if (invalid.length > 0) {
      return problem(res, 422, 'Input validation failed', invalid.map((i) => `- ${i.field}: ${i.description}\n`).join(''), { invalid_fields: invalid });
    }
    const input = { ...(body as { input: Record<string, unknown> }).input };
    input.seed ??= randomInt(1, 2 ** 31);
    const size = await outputSize(input);
    const wait = /^wait(=([1-9]|[1-9][0-9]|60))?$/.test(String(req.headers.prefer ?? ''));
    const p: SimPrediction = {
      id: randomBytes(13).toString('hex').slice(0, 26), model: `${owner}/${name}`, input, status: wait ? 'processing' : 'starting', output: null, error: null,
      remaining: options.pollSteps ?? 0, moderated: fault?.kind === 'moderation', size: size ?? [0, 0], created_at: new Date().toISOString(),
    };
    predictions.set(p.id, p);
    const format = input.output_format as string | undefined;
    sim.calls.push({
      path: req.url ?? '', credential, model: owner === 'stability-ai' ? name : `${owner}/${name}`, prompt: input.prompt as string | undefined,
      negativePrompt: input.negative_prompt as string | undefined, seed: input.seed as number, width: size?.[0], height: size?.[1],
      strength: input.prompt_strength as number | undefined, hasImage: input.image !== undefined, outputFormat: format === 'jpg' ? 'jpeg' : (format ?? 'webp'), raw: input,
    });
    if (!size) Object.assign(p, { status: 'failed', error: 'cannot identify image file' });
    else if (wait && p.remaining === 0) await finish(p);
    json(res, p.status === 'processing' || p.status === 'starting' ? 202 : 201, view(p));
  }

  async function poll(res: ServerResponse, id: string): Promise<void> {
    const p = predictions.get(id);
    if (!p) return answerStatus(res, 404);
    if (p.status === 'starting' || p.status === 'processing') {
      if (p.remaining > 0) Object.assign(p, { remaining: p.remaining - 1, status: 'processing' });
      else await finish(p);
    }
    json(res, 200, view(p));
  }

  sim = await startSimulator(async (req, res, body, ctx) => {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const file = /^\/delivery\/(.+)$/.exec(path);
    if (req.method === 'GET' && file) {
      // replicate.delivery serves outputs without authentication.
      const found = files.get(file[1]!);
      if (!found) return answerStatus(res, 404);
      res.writeHead(200, { 'content-type': found.type, 'content-length': found.bytes.length });
      return void res.end(found.bytes);
    }
    const credential = /^(?:Bearer|Token)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (credential === undefined) return problem(res, 401, 'Unauthenticated', 'You did not pass an authentication token');
    if (credential !== token) return answerStatus(res, 401);
    const created = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
    if (req.method === 'POST' && created) return create(req, res, body, ctx, created[1]!, created[2]!, credential);
    const polled = /^\/v1\/predictions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && polled) return poll(res, polled[1]!);
    answerStatus(res, 404);
  });
  return sim;
}
