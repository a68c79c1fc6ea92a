/**
 * @module Turns a station request into the one HTTP request Fireworks expects: JSON to
 * `workflows/<model>/text_to_image` or `image_generation/<model>`, multipart to
 * `image_generation/<model>/image_to_image`. Pure, so the tests can read the exact upstream body.
 */
import { encodeMultipart, type FormPart } from '../http/multipart-body.js';
import type { GenerationRequest } from '../provider.js';
import { nearestSdxlSize, resourcePath, type FireworksApi } from './models.js';

export interface CallPlan {
  model: string;
  api: FireworksApi;
  /** The seed to send: never 0, so the station always knows it even without a Seed header. */
  seed: number;
  steps: number | undefined;
  safetyCheck: boolean;
}

export interface FireworksCall {
  url: string;
  headers: Record<string, string>;
  body: Buffer | string;
}

type Fields = Record<string, string | number | boolean>;

/** Fireworks renders png or jpeg only; webp is asked as png and converted (lossless source). */
const acceptFor = (request: GenerationRequest) => (request.outputFormat === 'jpeg' ? 'image/jpeg' : 'image/png');

/** Only the fields that have a value: Fireworks applies its own default to a missing one. */
function defined(fields: Record<string, string | number | boolean | undefined>): Fields {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined));
}

/** SD3.5 and FLUX: sized by aspect ratio; `guidance_scale` and `num_inference_steps` as on the model pages. */
export function workflowsBody(request: GenerationRequest, plan: CallPlan): Fields {
  return defined({
    prompt: request.prompt,
    negative_prompt: request.negativePrompt,
    aspect_ratio: request.aspectRatio,
    guidance_scale: request.cfgScale,
    num_inference_steps: plan.steps,
    seed: plan.seed,
    safety_check: plan.safetyCheck,
  });
}

/**
 * The SDXL family: sized in pixels from a fixed list, `cfg_scale` an integer (Fireworks' request
 * model types it so). For image-to-image, `image_strength` is how much of the input survives:
 * the opposite of the station's `strength`.
 */
export function imageGenerationFields(request: GenerationRequest, plan: CallPlan): Fields {
  const [width, height] = nearestSdxlSize(request.width, request.height);
  const strength = request.strength;
  return defined({
    prompt: request.prompt,
    negative_prompt: request.negativePrompt,
    width,
    height,
    cfg_scale: request.cfgScale === undefined ? undefined : Math.round(request.cfgScale),
    steps: plan.steps,
    seed: plan.seed,
    safety_check: plan.safetyCheck,
    ...(strength === undefined ? {} : { init_image_mode: 'IMAGE_STRENGTH', image_strength: Number((1 - strength).toFixed(4)) }),
  });
}

export function buildCall(request: GenerationRequest, plan: CallPlan, baseUrl: string, apiKey: string): FireworksCall {
  const headers = { authorization: `Bearer ${apiKey}`, accept: acceptFor(request) };
  const resource = resourcePath(plan.model);
  if (plan.api === 'workflows') {
    return {
      url: `${baseUrl}/inference/v1/workflows/${resource}/text_to_image`,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(workflowsBody(request, plan)),
    };
  }
  const fields = imageGenerationFields(request, plan);
  const url = `${baseUrl}/inference/v1/image_generation/${resource}`;
  if (!request.image) {
    return { url, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields) };
  }
  const parts: FormPart[] = Object.entries(fields).map(([name, value]) => ({ name, value: String(value) }));
  const image = request.image;
  parts.push({ name: 'init_image', file: image.bytes, filename: `init.${image.format}`, contentType: `image/${image.format}` });
  const form = encodeMultipart(parts);
  return { url: `${url}/image_to_image`, headers: { ...headers, 'content-type': form.contentType }, body: form.body };
}
