/**
 * @module The Replicate provider: runs Stability's models hosted on Replicate
 * (`POST /v1/models/<owner>/<name>/predictions` with `Prefer: wait`, then polling), downloads the
 * output file and hands it back at the requested size and format.
 */
import { randomInt } from 'node:crypto';
import { abortedFailure } from '../http/upstream-http.js';
import type { ChannelSettings, GenerationRequest, GenerationResult, Provider, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { buildInput } from './input.js';
import { upstreamModel } from './models.js';
import { checkReplicateOptions } from './options.js';
import { fitOutput } from './output.js';
import { runPrediction } from './run.js';

export { DEFAULT_MODELS } from './models.js';
export { checkReplicateOptions, DEFAULT_OPTIONS, type ReplicateOptions } from './options.js';

export const REPLICATE_BASE_URL = 'https://api.replicate.com';

/** Largest seed the station accepts; 0 is reserved for "pick one". */
const MAX_SEED = 4294967294;

export function createReplicateProvider(settings: ChannelSettings): Provider {
  const options = checkReplicateOptions(settings.options);
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');

  async function generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult> {
    if (ctx.signal.aborted) throw abortedFailure(ctx.signal, false);
    if (!settings.credentials) throw new UpstreamFailure('credentials', 'replicate needs an API token and this channel has none', false);
    // Throws before any byte is sent when this channel cannot serve the model: safe to fail over.
    const model = upstreamModel(request, settings.modelMap);
    // Replicate never reports the seed it drew, so the station draws it and sends it.
    const seed = request.seed === 0 ? randomInt(1, MAX_SEED + 1) : request.seed;
    const input = await buildInput(request, model, seed);
    const session = { baseUrl, token: settings.credentials, options, signal: ctx.signal };
    const bytes = await runPrediction(session, model, input);
    // The client or the channel's deadline may have gone while the file arrived: say which.
    if (ctx.signal.aborted) throw abortedFailure(ctx.signal, true);
    const image = await fitOutput(bytes, request.width, request.height, request.outputFormat);
    // A safety-checker hit fails the prediction on Replicate; an image that arrives is never filtered.
    return { bytes: image, format: request.outputFormat, seed, finishReason: 'SUCCESS' };
  }

  return { generate };
}

/** The `replicate` channel type: an `r8_...` API token, options pollIntervalMs and waitSeconds. */
export const replicateDefinition: ProviderDefinition = {
  create: createReplicateProvider,
  needsCredentials: true,
  defaultBaseUrl: REPLICATE_BASE_URL,
  checkOptions: (options) => void checkReplicateOptions(options),
};
