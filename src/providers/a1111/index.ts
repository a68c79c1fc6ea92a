/**
 * @module The AUTOMATIC1111-compatible provider (stable-diffusion-webui, Forge, SD.Next,
 * stable-diffusion.cpp's server): one synchronous `POST /sdapi/v1/txt2img` or `/img2img` with JSON,
 * answered with the image as base64 and the used seed inside the `info` JSON string.
 */
import { callUpstream } from '../http/upstream-http.js';
import type { ChannelSettings, GenerationRequest, GenerationResult, Provider, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { resultFrom } from './answer.js';
import { failureFor } from './failures.js';
import { checkA1111Options } from './options.js';
import { buildCall, checkpointFor } from './request-body.js';

export { checkA1111Options, type A1111Options } from './options.js';

/** The webui's own default listen address (`--port 7860`). */
export const A1111_BASE_URL = 'http://127.0.0.1:7860';

/** `--api-auth user:pass` is HTTP Basic; no credentials means the server runs without it. */
export function authorizationFor(credentials: string | null): Record<string, string> {
  if (!credentials) return {};
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

export function createA1111Provider(settings: ChannelSettings): Provider {
  const options = checkA1111Options(settings.options);
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');

  async function generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult> {
    ctx.signal.throwIfAborted();
    // Throws before anything is sent when this channel cannot serve the model: safe to fail over.
    const checkpoint = checkpointFor(request, settings.modelMap);
    const call = buildCall(request, checkpoint, options);
    const answer = await callUpstream({
      method: 'POST',
      url: `${baseUrl}${call.path}`,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authorizationFor(settings.credentials) },
      body: JSON.stringify(call.body),
      signal: ctx.signal,
    });
    if (answer.status !== 200) throw failureFor(answer.status, answer.body);
    return resultFrom(answer.body, request, call.sentSeed);
  }

  return { generate };
}

export const a1111Definition: ProviderDefinition = {
  create: (settings) => createA1111Provider(settings),
  needsCredentials: false,
  defaultBaseUrl: A1111_BASE_URL,
  checkOptions: (options) => void checkA1111Options(options),
};
