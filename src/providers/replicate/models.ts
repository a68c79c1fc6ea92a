/** @module Which Replicate model serves each of the station's model ids, and how a channel can change that. */
import type { GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

/** A Replicate model, addressed as `/v1/models/<owner>/<name>/predictions` (official models, no version). */
export interface ReplicateModel {
  owner: string;
  name: string;
  /** False for models whose input schema has no `negative_prompt` (sending it would be a 422). */
  negativePrompt: boolean;
}

/** Stability publishes its models on Replicate under this owner; a bare mapped name means it. */
export const DEFAULT_OWNER = 'stability-ai';

/**
 * The defaults, checked against Replicate's model pages. Replicate hosts SD3 only as
 * `stable-diffusion-3` (SD3 Medium); Stability itself reroutes SD3.0 Large calls to SD3.5 Large, so
 * the large sd3 ids follow it there instead of landing on a smaller model. Replicate hosts neither
 * sd3.5-flash nor the ultra/core endpoints, so those are not served unless a channel maps them.
 */
export const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  'sd3.5-large': 'stability-ai/stable-diffusion-3.5-large',
  'sd3.5-large-turbo': 'stability-ai/stable-diffusion-3.5-large-turbo',
  'sd3.5-medium': 'stability-ai/stable-diffusion-3.5-medium',
  'sd3-large': 'stability-ai/stable-diffusion-3.5-large',
  'sd3-large-turbo': 'stability-ai/stable-diffusion-3.5-large-turbo',
  'sd3-medium': 'stability-ai/stable-diffusion-3',
};

/** Models known to lack `negative_prompt` in their input schema. */
const NO_NEGATIVE_PROMPT: ReadonlySet<string> = new Set(['stability-ai/stable-diffusion-3.5-large-turbo']);

/** Owner and model names as Replicate allows them; anything else could escape the URL path. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses `owner/name` or a bare `name` (Stability's own), refusing anything that is not a path-safe id. */
export function parseModelId(id: string): ReplicateModel | undefined {
  const parts = id.trim().split('/');
  if (parts.length > 2) return undefined;
  const [owner, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [DEFAULT_OWNER, parts[0]!];
  if (!SEGMENT.test(owner) || !SEGMENT.test(name)) return undefined;
  return { owner, name, negativePrompt: !NO_NEGATIVE_PROMPT.has(`${owner}/${name}`) };
}

/**
 * The model to run: the channel's mapping when it has one (for any endpoint, so an operator can
 * point `ultra` at a model they trust), else the default.
 * @throws UpstreamFailure('server_error', not sent) when this channel cannot serve the model, so the router fails over.
 */
export function upstreamModel(request: GenerationRequest, modelMap: Readonly<Record<string, string>>): ReplicateModel {
  const mapped = Object.hasOwn(modelMap, request.model) ? modelMap[request.model] : undefined;
  const fallback = request.endpoint === 'sd3' && Object.hasOwn(DEFAULT_MODELS, request.model) ? DEFAULT_MODELS[request.model] : undefined;
  const id = mapped ?? fallback;
  if (id === undefined) throw new UpstreamFailure('server_error', `replicate does not serve ${request.model}`, false);
  const model = parseModelId(id);
  if (!model) throw new UpstreamFailure('server_error', `replicate: the channel maps ${request.model} to an invalid model id`, false);
  return model;
}
