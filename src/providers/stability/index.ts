/**
 * @module The Stability AI v2beta provider: forwards a generation to
 * `<base>/v2beta/stable-image/generate/<sd3|ultra|core>` (Stability itself, or another aigate
 * station, which speaks the same API) and passes its `finish-reason` and `seed` through.
 */
import { encodeMultipart } from '../http/multipart-body.js';
import { openUpstream, readAll } from '../http/upstream-http.js';
import { wholeImage } from '../image-stream.js';
import type { ChannelSettings, GenerationRequest, Provider, ProviderAnswer, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureFor } from './errors.js';
import { formParts, generatePath, upstreamModel } from './request.js';
import { streamedResultFrom } from './result.js';

export const STABILITY_BASE_URL = 'https://api.stability.ai';

/** Options a stability channel accepts (`--option key=value`). */
export interface StabilityOptions {
  /** Sent as `stability-client-id`, so Stability (or a chained station's usage log) can tell this station apart. */
  clientId?: string;
}

const MAX_CLIENT_ID = 256;

/** @throws Error naming the first bad option. */
export function checkStabilityOptions(options: Readonly<Record<string, unknown>>): StabilityOptions {
  for (const name of Object.keys(options)) {
    if (name !== 'clientId') throw new Error(`stability: unknown option "${name}" (known: clientId)`);
  }
  const { clientId } = options;
  if (clientId === undefined) return {};
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID || /[\r\n]/.test(clientId)) {
    throw new Error(`stability: option "clientId" must be a single-line string of 1 to ${MAX_CLIENT_ID} characters`);
  }
  return { clientId };
}

export function createStabilityProvider(settings: ChannelSettings): Provider {
  const options = checkStabilityOptions(settings.options);
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');

  async function stream(request: GenerationRequest, ctx: ProviderCallContext): Promise<ProviderAnswer> {
    ctx.signal.throwIfAborted();
    if (!settings.credentials) throw new UpstreamFailure('credentials', 'stability needs an API key and this channel has none', false);
    // Throws before any byte is sent when this channel cannot serve the model: safe to fail over.
    const model = upstreamModel(request, settings.modelMap);
    // Seed 0 goes as 0: Stability picks one and reports it in the `seed` header.
    const seed = request.seed;
    const form = encodeMultipart(formParts(request, model, seed));
    const answer = await openUpstream({
      method: 'POST',
      url: `${baseUrl}${generatePath(request)}`,
      headers: {
        authorization: `Bearer ${settings.credentials}`,
        accept: 'image/*',
        'content-type': form.contentType,
        ...(options.clientId ? { 'stability-client-id': options.clientId } : {}),
      },
      body: form.body,
      signal: ctx.signal,
    });
    if (answer.status !== 200) throw failureFor(answer.status, await readAll(answer.body.open()));
    return streamedResultFrom(answer, request, seed);
  }

  return { stream, generate: async (request, ctx) => wholeImage(await stream(request, ctx)) };
}

export const stabilityDefinition: ProviderDefinition = {
  create: (settings) => createStabilityProvider(settings),
  needsCredentials: true,
  defaultBaseUrl: STABILITY_BASE_URL,
  checkOptions: (options) => void checkStabilityOptions(options),
};
