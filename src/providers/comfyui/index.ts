/** @module The ComfyUI provider: runs the SD3.5 workflow (or the operator's own) on a self-hosted ComfyUI server. */
import { randomInt } from 'node:crypto';
import { inFormat } from '../convert.js';
import type { ChannelSettings, GenerationRequest, GenerationResult, Provider, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { abandonPrompt, downloadImage, submitPrompt, uploadImage, waitForOutput, type Connection } from './client.js';
import { parseOptions, type ComfyOptions } from './options.js';
import { fillWorkflow, saveNodeId, type PlaceholderValues, type Workflow } from './placeholders.js';
import { templateWorkflow } from './template.js';

export { DEFAULT_OPTIONS } from './options.js';
export { PLACEHOLDERS } from './placeholders.js';

/** Largest seed the public API accepts; 0 asks us to pick one. */
const MAX_SEED = 4_294_967_294;
/** The spec's cfg_scale default, for a request that somehow carries none. */
const DEFAULT_CFG = 4;

function authHeaders(credentials: string | null, auth: ComfyOptions['auth']): Record<string, string> {
  if (credentials === null || credentials === '') return {};
  const value = auth === 'basic' ? `Basic ${Buffer.from(credentials).toString('base64')}` : `Bearer ${credentials}`;
  return { authorization: value };
}

/**
 * The checkpoint file for the request: the channel's modelMap entry, else the `checkpoint`
 * option for every sd3-endpoint model. Ultra and Core are Stability's closed models: served
 * only where the operator maps them to a checkpoint explicitly.
 */
export function checkpointFor(request: GenerationRequest, settings: ChannelSettings, options: ComfyOptions): string {
  const mapped = settings.modelMap[request.model];
  if (mapped !== undefined && mapped !== '') return mapped;
  if (request.endpoint !== 'sd3') throw new UpstreamFailure('server_error', `comfyui does not serve ${request.model}`, false);
  return options.checkpoint;
}

/** Everything a workflow's placeholders can ask for. */
export function placeholderValues(request: GenerationRequest, checkpoint: string, seed: number, image: string, options: ComfyOptions): PlaceholderValues {
  return {
    prompt: request.prompt,
    negative_prompt: request.negativePrompt ?? '',
    seed,
    width: request.width,
    height: request.height,
    steps: options.steps,
    cfg: options.cfg ?? request.cfgScale ?? DEFAULT_CFG,
    // Same scale on both sides: 0 keeps the input, 1 replaces it (text-to-image denoises fully).
    denoise: request.strength ?? 1,
    shift: options.shift,
    checkpoint,
    image,
    sampler: options.sampler,
    scheduler: options.scheduler,
  };
}

export function createComfyuiProvider(settings: ChannelSettings): Provider {
  const options = parseOptions(settings.options);
  const textWorkflow: Workflow = options.workflow ?? templateWorkflow(options.textEncoders, false);
  const imageWorkflow: Workflow = options.imageWorkflow ?? templateWorkflow(options.textEncoders, true);
  const headers = authHeaders(settings.credentials, options.auth);

  async function generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult> {
    const checkpoint = checkpointFor(request, settings, options);
    // ComfyUI never reports a seed of its own: KSampler runs exactly the one we send.
    const seed = request.seed === 0 ? randomInt(1, MAX_SEED + 1) : request.seed;
    const conn: Connection = { baseUrl: settings.baseUrl, headers, signal: ctx.signal };
    const image = request.image ? await uploadImage(conn, request.image) : '';
    const workflow = fillWorkflow(request.image ? imageWorkflow : textWorkflow, placeholderValues(request, checkpoint, seed, image, options));
    const promptId = await submitPrompt(conn, workflow);
    let png: Buffer;
    try {
      png = await downloadImage(conn, await waitForOutput(conn, promptId, saveNodeId(workflow), options.pollIntervalMs));
    } catch (error) {
      // Nobody will collect this prompt: do not let it hold the GPU for the requests queued behind it.
      void abandonPrompt(conn, promptId, options.interruptAbandoned);
      throw error;
    }
    // SaveImage always writes PNG; re-encode only when the client asked for something else.
    const bytes = await inFormat(png, request.outputFormat);
    return { bytes, format: request.outputFormat, seed, finishReason: 'SUCCESS' };
  }

  return { generate };
}

/** A self-hosted ComfyUI server; credentials only when a reverse proxy in front of it wants them. */
export const comfyuiDefinition: ProviderDefinition = {
  create: (settings) => createComfyuiProvider(settings),
  needsCredentials: false,
  defaultBaseUrl: 'http://127.0.0.1:8188',
  checkOptions: (options) => void parseOptions(options),
};
