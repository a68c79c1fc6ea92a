/**
 * @module The Fireworks AI provider: SD3.5 through Fireworks' `workflows` text_to_image API and,
 * when a channel maps to an SDXL-family model, text- and image-to-image through its
 * `image_generation` API. One synchronous POST per image; the answer is the image itself.
 */
import { randomInt } from 'node:crypto';
import { callUpstream } from '../http/upstream-http.js';
import type { ChannelSettings, GenerationRequest, GenerationResult, Provider, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureOf, finishReasonOf, seedOf } from './answer.js';
import { apiFor, defaultSteps, DEFAULT_MODEL_MAP } from './models.js';
import { parseOptions } from './options.js';
import { fitOutput } from './output.js';
import { buildCall, type CallPlan } from './request.js';

export { DEFAULT_MODEL_MAP } from './models.js';

/** Largest seed the station's contract allows; 0 is reserved for "pick one". */
const MAX_SEED = 4294967294;

/** An input-independent refusal: nothing was sent, so the router may try another channel. */
const notServed = (why: string) => new UpstreamFailure('server_error', why, false);

export function createFireworksProvider(settings: ChannelSettings): Provider {
  // Options were checked when the channel was saved; parse again so a bad file still fails loudly.
  const options = parseOptions(settings.options);

  function plan(request: GenerationRequest): CallPlan {
    const model = settings.modelMap[request.model] ?? DEFAULT_MODEL_MAP[request.model];
    if (model === undefined) throw notServed(`fireworks does not serve ${request.model}`);
    const api = apiFor(model, options.api);
    if (request.image && api === 'workflows') throw notServed(`fireworks does not do image-to-image with ${model}`);
    // Fireworks reports its seed in a header, but choosing it here keeps the answer certain.
    const seed = request.seed === 0 ? randomInt(1, MAX_SEED + 1) : request.seed;
    return { model, api, seed, steps: options.steps ?? defaultSteps(model, api), safetyCheck: options.safetyCheck };
  }

  async function generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult> {
    if (settings.credentials === null) throw new UpstreamFailure('credentials', 'the fireworks channel has no API key', false);
    const chosen = plan(request);
    const call = buildCall(request, chosen, settings.baseUrl, settings.credentials);
    const answer = await callUpstream({ method: 'POST', ...call, signal: ctx.signal });
    if (answer.status !== 200) throw failureOf(answer);
    const finishReason = finishReasonOf(answer);
    const bytes = await fitOutput(answer.body, request.width, request.height, request.outputFormat);
    return { bytes, format: request.outputFormat, seed: seedOf(answer, chosen.seed), finishReason };
  }

  return { generate };
}

export const fireworksDefinition: ProviderDefinition = {
  create: createFireworksProvider,
  needsCredentials: true,
  defaultBaseUrl: 'https://api.fireworks.ai',
  checkOptions: (options) => void parseOptions(options),
};
