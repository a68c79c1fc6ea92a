/** @module Maps a GenerationRequest onto Stability's v2beta multipart form for sd3, ultra or core. */
import type { FormPart } from '../http/multipart-body.js';
import type { GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

/** The `model` values Stability's sd3 endpoint accepts; the station's ids are the same names. */
export const STABILITY_SD3_MODELS: ReadonlySet<string> = new Set([
  'sd3-large', 'sd3-large-turbo', 'sd3-medium', 'sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash',
]);

/** The path under the base URL for the request's endpoint. */
export const generatePath = (request: GenerationRequest) => `/v2beta/stable-image/generate/${request.endpoint}`;

/**
 * The sd3 `model` to send: the channel's mapping if it has one, else the station's id when
 * Stability knows it. Ultra and core are chosen by path and take no model (undefined).
 * @throws UpstreamFailure('server_error') for a model this channel cannot serve, so the router fails over.
 */
export function upstreamModel(request: GenerationRequest, modelMap: Readonly<Record<string, string>>): string | undefined {
  if (request.endpoint !== 'sd3') {
    // The catalogue names ultra and core after their endpoints; anything else is not Stability's.
    if (request.model === request.endpoint) return undefined;
    throw new UpstreamFailure('server_error', `stability does not serve ${request.model}`, false);
  }
  const mapped = Object.hasOwn(modelMap, request.model) ? modelMap[request.model] : undefined;
  if (mapped) return mapped;
  if (STABILITY_SD3_MODELS.has(request.model)) return request.model;
  throw new UpstreamFailure('server_error', `stability does not serve ${request.model}`, false);
}

/** Numbers go as text parts; String() keeps 0.6 as "0.6" and 4 as "4", which Stability parses. */
const text = (name: string, value: string | number): FormPart => ({ name, value: String(value) });

function imageParts(request: GenerationRequest): FormPart[] {
  const { image, strength } = request;
  if (!image || strength === undefined) return [];
  // Stability's strength has the station's meaning (0 keeps the input, 1 ignores it): no conversion.
  return [
    { name: 'image', file: image.bytes, filename: `image.${image.format}`, contentType: `image/${image.format}` },
    text('strength', strength),
  ];
}

/**
 * The form fields, in the order Stability documents them. `seed` is the one to send (0 lets
 * Stability pick and report it in the `seed` header).
 */
export function formParts(request: GenerationRequest, model: string | undefined, seed: number): FormPart[] {
  const parts: FormPart[] = [text('prompt', request.prompt)];
  if (request.negativePrompt) parts.push(text('negative_prompt', request.negativePrompt));
  parts.push(text('seed', seed), text('output_format', request.outputFormat));
  if (request.stylePreset) parts.push(text('style_preset', request.stylePreset));
  const withImage = request.image !== undefined && request.strength !== undefined;

  if (request.endpoint === 'sd3') {
    parts.push(text('model', model ?? request.model), text('mode', withImage ? 'image-to-image' : 'text-to-image'));
    if (request.cfgScale !== undefined) parts.push(text('cfg_scale', request.cfgScale));
    // Stability refuses aspect_ratio with image-to-image: the input image sets the shape there.
    if (!withImage) parts.push(text('aspect_ratio', request.aspectRatio));
    parts.push(...imageParts(request));
  } else if (request.endpoint === 'ultra') {
    parts.push(text('aspect_ratio', request.aspectRatio), ...imageParts(request));
  } else {
    parts.push(text('aspect_ratio', request.aspectRatio));
  }
  return parts;
}
