/**
 * @module Turns a GenerationRequest into the webui's `/sdapi/v1/txt2img` or `/img2img` JSON body
 * (field names of its StableDiffusionProcessingTxt2Img/Img2Img API models).
 */
import { randomInt } from 'node:crypto';
import type { GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import type { A1111Options } from './options.js';

export const TXT2IMG = '/sdapi/v1/txt2img';
export const IMG2IMG = '/sdapi/v1/img2img';

/** resize_mode 1 is "Crop and resize": the input keeps its proportions instead of being stretched. */
const CROP_AND_RESIZE = 1;

export interface A1111Call {
  path: typeof TXT2IMG | typeof IMG2IMG;
  body: Record<string, unknown>;
  /** The seed in the body: the request's, or one we picked when the request left the choice to us. */
  sentSeed: number;
}

/**
 * The checkpoint title to load, or undefined to let the server's loaded model serve.
 * @throws UpstreamFailure('server_error', not sent) for ultra/core without a mapping: the webui
 * has no such models, so another channel must serve them.
 */
export function checkpointFor(request: GenerationRequest, modelMap: Readonly<Record<string, string>>): string | undefined {
  const mapped = Object.hasOwn(modelMap, request.model) ? modelMap[request.model] : undefined;
  if (mapped) return mapped;
  if (request.endpoint !== 'sd3') throw new UpstreamFailure('server_error', `a1111 does not serve ${request.model}`, false);
  return undefined;
}

export function buildCall(request: GenerationRequest, checkpoint: string | undefined, options: A1111Options, pickSeed: () => number = () => randomInt(1, 4_294_967_295)): A1111Call {
  // We pick the random seed ourselves rather than send -1: then a server (or fork) that leaves
  // `info` out cannot turn a finished generation into a failure for want of its seed.
  const sentSeed = request.seed === 0 ? pickSeed() : request.seed;
  const overrideSettings = { ...options.overrideSettings, ...(checkpoint ? { sd_model_checkpoint: checkpoint } : {}) };
  const body: Record<string, unknown> = {
    prompt: request.prompt,
    ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
    seed: sentSeed,
    width: request.width,
    height: request.height,
    // Absent for ultra/core (they take no cfg_scale): the server's default applies.
    ...(request.cfgScale !== undefined ? { cfg_scale: request.cfgScale } : {}),
    steps: options.steps,
    sampler_name: options.sampler,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    batch_size: 1,
    n_iter: 1,
    // No override at all when nothing is configured: the loaded model and settings serve as they are.
    ...(Object.keys(overrideSettings).length > 0 ? { override_settings: overrideSettings } : {}),
    send_images: true,
    save_images: false,
  };
  if (!request.image) return { path: TXT2IMG, body, sentSeed };
  return {
    path: IMG2IMG,
    body: {
      ...body,
      init_images: [request.image.bytes.toString('base64')],
      // Same meaning as ours: 0 keeps the input, 1 ignores it.
      denoising_strength: request.strength ?? 1,
      resize_mode: CROP_AND_RESIZE,
    },
    sentSeed,
  };
}
