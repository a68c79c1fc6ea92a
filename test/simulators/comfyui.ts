/**
 * @module A loopback ComfyUI server (`/prompt`, `/history/<id>`, `/view`, `/upload/image`) that
 * validates API-format workflows as execution.py's validate_prompt does, behind an optional
 * bearer/basic-auth reverse proxy (ComfyUI itself has no auth).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { err, inputsOf, linkOf, sizeOf, validate, type Inputs, type Workflow } from '../../src/providers/comfyui/test-comfy-graph.js';
import { json, simImage, startSimulator, type SeenCall, type Simulator } from './sim-kit.js';

const NGINX_REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** The generation in neutral terms, read off the workflow: the sampler, its prompts, the loader. */
function seenCall(wf: Workflow, body: Inputs, credential: string | undefined, size: [number, number] | undefined): SeenCall {
  const find = (type: string) => Object.values(wf).find((n) => n.class_type === type);
  const sampler = inputsOf(find('KSampler'));
  const text = (link: unknown) => { const v = inputsOf(wf[linkOf(link) ?? '']).text; return typeof v === 'string' ? v : undefined; };
  const hasImage = find('LoadImage') !== undefined;
  const model = inputsOf(find('CheckpointLoaderSimple')).ckpt_name ?? inputsOf(find('UNETLoader')).unet_name;
  return {
    path: '/prompt', credential, model: model as string | undefined, prompt: text(sampler.positive), negativePrompt: text(sampler.negative),
    seed: Number(sampler.seed), width: size?.[0], height: size?.[1], hasImage, strength: hasImage ? Number(sampler.denoise) : undefined,
    outputFormat: 'png', raw: body,
  };
}

/** What the proxy saw: a bearer token, or `user:pass` from basic auth. */
function credentialOf(req: IncomingMessage): string | undefined {
  const [scheme, value] = (req.headers.authorization ?? '').split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value;
  return /^basic$/i.test(scheme ?? '') && value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** An injected status as it really arrives: ComfyUI's own 400 and aiohttp's 500, nginx's page for the rest. */
function proxyError(res: ServerResponse, status: number): void {
  if (status === 500) return void res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('500 Internal Server Error\n\nServer got itself in trouble');
  if (status === 400) {
    const missing = { errors: [err('value_not_in_list', 'Value not in list', "ckpt_name: 'missing.safetensors' not in []")], dependent_outputs: ['9'], class_type: 'CheckpointLoaderSimple' };
    return json(res, 400, { error: err('prompt_outputs_failed_validation', 'Prompt outputs failed validation', ''), node_errors: { '4': missing } });
  }
  const title = `${status} ${NGINX_REASONS[status] ?? 'Error'}`;
  res.writeHead(status, { 'content-type': 'text/html', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) }).end(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`);
}

/** POST /upload/image: multipart `image` (+ `overwrite`, `type`, `subfolder`), saved in the input folder. */
async function upload(req: IncomingMessage, body: Buffer, uploads: Map<string, Buffer>, res: ServerResponse): Promise<void> {
  const form: { image?: { name: string; bytes: Buffer }; fields: Record<string, string> } = { fields: {} };
  await new Promise<void>((resolve, reject) => {
    const parser = busboy({ headers: req.headers }).on('field', (n, v) => (form.fields[n] = v)).on('close', resolve).on('error', reject);
    parser.on('file', (n, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => n === 'image' && (form.image = { name: info.filename ?? '', bytes: Buffer.concat(chunks) }));
    });
    parser.end(body);
  }).catch(() => undefined);
  if (!form.image?.name) return void res.writeHead(400).end();
  const subfolder = form.fields.subfolder ?? '';
  const pathOf = (name: string) => (subfolder ? `${subfolder}/${name}` : name); // what LoadImage names it by
  let name = form.image.name;
  const overwrite = form.fields.overwrite === 'true' || form.fields.overwrite === '1';
  for (let i = 1; !overwrite && uploads.has(pathOf(name)); i++) name = form.image.name.replace(/(\.[^.]*)?$/, ` (${i})$1`);
  uploads.set(pathOf(name), form.image.bytes);
  json(res, 200, { name, subfolder, type: form.fields.type ?? 'input' });
}

export interface ComfyuiSimulator extends Simulator {
  /** Prompt ids removed by `POST /queue {"delete": [...]}` and interrupted by `POST /interrupt {"prompt_id"}`. */
  deleted: string[];
  interrupted: string[];
  /** Resolves at the next /queue or /interrupt request. */
  nextCancel(): Promise<void>;
}

export async function startComfyuiSimulator(options: { credentials?: string; pollSteps?: number } = {}): Promise<ComfyuiSimulator> {
  const deleted: string[] = [];
  const interrupted: string[] = [];
  let cancelWaiters: (() => void)[] = [];
  const uploads = new Map<string, Buffer>();
  const outputs = new Map<string, Buffer>();
  const history = new Map<string, { polls: number; entry: object }>();
  let number = 0;
  let saved = 0;

  /** "Runs" a valid workflow at once; the history shows it after `pollSteps` empty polls. */
  async function execute(wf: Workflow, saveId: string, size: [number, number] | (Error & { node?: string })): Promise<string> {
    const id = randomUUID();
    const event = (name: string, extra: object = {}) => [name, { prompt_id: id, timestamp: Date.now(), ...extra }];
    let entry: object;
    if (Array.isArray(size)) {
      const filename = `${String(inputsOf(wf[saveId]).filename_prefix)}_${String(++saved).padStart(5, '0')}_.png`;
      outputs.set(filename, await simImage(size[0], size[1], 'png', Number(inputsOf(Object.values(wf).find((n) => n.class_type === 'KSampler')).seed) || 1));
      const messages = [event('execution_start'), event('execution_cached', { nodes: [] }), event('execution_success')];
      entry = { outputs: { [saveId]: { images: [{ filename, subfolder: '', type: 'output' }] } }, status: { status_str: 'success', completed: true, messages } };
    } else {
      const failure = event('execution_error', { node_id: size.node, node_type: 'LoadImage', executed: [], exception_message: size.message, exception_type: 'PIL.UnidentifiedImageError', traceback: [] });
      entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [event('execution_start'), failure] } };
    }
    history.set(id, { polls: options.pollSteps ?? 0, entry: { [id]: { prompt: [number, id, wf, {}, [saveId]], ...entry } } });
    return id;
  }

  const sim = await startSimulator(async (req, res, body, ctx) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const credential = credentialOf(req);
    if (options.credentials !== undefined && credential !== options.credentials) return proxyError(res, 401);
    if (req.method === 'POST' && (url.pathname === '/queue' || url.pathname === '/interrupt')) {
      // As server.py: /queue deletes pending prompts by id; /interrupt stops the running one,
      // only if it is the named prompt (ComfyUI's targeted interrupt).
      const parsed = JSON.parse(body.toString('utf8') || '{}') as { delete?: string[]; prompt_id?: string };
      if (url.pathname === '/queue') for (const id of parsed.delete ?? []) deleted.push(id), history.delete(id);
      else if (parsed.prompt_id) interrupted.push(parsed.prompt_id);
      res.writeHead(200).end();
      for (const wake of cancelWaiters) wake();
      cancelWaiters = [];
      return;
    }
    if (req.method === 'POST' && url.pathname === '/upload/image') return upload(req, body, uploads, res);
    if (req.method === 'GET' && url.pathname.startsWith('/history/')) {
      const item = history.get(decodeURIComponent(url.pathname.slice('/history/'.length)));
      return json(res, 200, !item || item.polls-- > 0 ? {} : item.entry);
    }
    if (req.method === 'GET' && url.pathname === '/view') {
      const file = outputs.get(url.searchParams.get('filename') ?? '');
      if (!file || url.searchParams.get('type') !== 'output') return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': file.length }).end(file);
    }
    if (req.method !== 'POST' || url.pathname !== '/prompt') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
    // ComfyUI has no moderation, so a 'moderation' fault changes nothing.
    const fault = ctx.takeFault();
    if (await ctx.applyTransportFault(fault, res, req, () => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>ComfyUI</body></html>'))) return;
    if (fault?.kind === 'status') return proxyError(res, fault.status);
    let parsed: Inputs;
    try {
      parsed = JSON.parse(body.toString('utf8')) as Inputs;
    } catch {
      return proxyError(res, 500); // aiohttp's request.json() raising
    }
    const wf = parsed.prompt as Workflow | undefined;
    const verdict = validate(wf, uploads);
    if ('refusal' in verdict || !wf) return json(res, 400, 'refusal' in verdict ? verdict.refusal : {});
    const saveId = verdict.saves[0]!;
    const size = await sizeOf(wf, saveId, uploads).catch((e: Error & { node?: string }) => e);
    ctx.sim.calls.push(seenCall(wf, parsed, credential, Array.isArray(size) ? size : undefined));
    json(res, 200, { prompt_id: await execute(wf, saveId, size), number: number++, node_errors: {} });
  });
  return Object.assign(sim, { deleted, interrupted, nextCancel: () => new Promise<void>((resolve) => cancelWaiters.push(resolve)) });
}
