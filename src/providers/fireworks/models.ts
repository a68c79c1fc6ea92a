/**
 * @module Which Fireworks model serves each station model, and which of Fireworks' two image APIs
 * that model speaks: the `workflows` text_to_image API (SD3.5, FLUX; sized by aspect ratio, no
 * image-to-image) or the older `image_generation` API (the SDXL family; sized in pixels, with an
 * `image_to_image` variant).
 */

export type FireworksApi = 'workflows' | 'image_generation';

/**
 * Fireworks hosts SD3.5 itself. Its SD3 models (`accounts/stability/models/sd3*`) were only a
 * front for Stability's own API and needed a Stability key, so sd3-* belong to a Stability channel;
 * sd3.5-flash, ultra and core are not hosted at all. Unmapped ids are not served: the router fails over.
 */
export const DEFAULT_MODEL_MAP: Readonly<Record<string, string>> = {
  'sd3.5-large': 'stable-diffusion-3p5-large',
  'sd3.5-large-turbo': 'stable-diffusion-3p5-large-turbo',
  'sd3.5-medium': 'stable-diffusion-3p5-medium',
};

/** The models Fireworks serves on `image_generation` (the Vercel AI SDK's table agrees). */
const IMAGE_GENERATION_MODELS = new Set([
  'stable-diffusion-xl-1024-v1-0',
  'SSD-1B',
  'playground-v2-1024px-aesthetic',
  'playground-v2-5-1024px-aesthetic',
  'japanese-stable-diffusion-xl',
]);

/** The last path segment: `accounts/acme/models/x` and `x` name the same model. */
const baseName = (model: string) => model.slice(model.lastIndexOf('/') + 1);

/** The API a model speaks; an operator can force one for a custom deployment we cannot classify. */
export function apiFor(model: string, forced: FireworksApi | undefined): FireworksApi {
  if (forced) return forced;
  return IMAGE_GENERATION_MODELS.has(baseName(model)) ? 'image_generation' : 'workflows';
}

/**
 * The resource in the URL. A bare name is one of Fireworks' public models; a name with a slash is
 * the operator's own resource path (`accounts/<id>/models/<m>`, `accounts/<id>/deployedModels/<m>`).
 */
export const resourcePath = (model: string): string => (model.includes('/') ? model : `accounts/fireworks/models/${model}`);

/**
 * Steps when the channel sets none: 28 is the SD3.5 reference schedule, turbo models are distilled
 * for 4, SDXL is good at 30. Other models get Fireworks' own default (the field is left out).
 */
export function defaultSteps(model: string, api: FireworksApi): number | undefined {
  const name = baseName(model);
  if (name.includes('turbo')) return 4;
  if (name.startsWith('stable-diffusion-3p5')) return 28;
  return api === 'image_generation' ? 30 : undefined;
}

/** The pixel sizes the SDXL family accepts on `image_generation`. */
export const SDXL_SIZES: readonly (readonly [number, number])[] = [
  [640, 1536], [768, 1344], [832, 1216], [896, 1152], [1024, 1024],
  [1152, 896], [1216, 832], [1344, 768], [1536, 640],
];

/** The accepted size whose shape is closest to the requested one; the output is resized after. */
export function nearestSdxlSize(width: number, height: number): readonly [number, number] {
  const wanted = Math.log(width / height);
  let best = SDXL_SIZES[4]!;
  for (const size of SDXL_SIZES) {
    if (Math.abs(Math.log(size[0] / size[1]) - wanted) < Math.abs(Math.log(best[0] / best[1]) - wanted)) best = size;
  }
  return best;
}
