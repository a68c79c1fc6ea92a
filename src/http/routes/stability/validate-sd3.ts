/**
 * @module Turns the sd3 endpoint's multipart form into a GenerationRequest, listing every failing
 * field at once (spec §4, §7). Runs before any credit is touched or any upstream is called.
 */
import type { ModelSpec } from '../../../config/models.js';
import { DEFAULT_SD3_MODEL } from '../../../config/models.js';
import { badRequest } from '../../../errors.js';
import { inspectImage } from '../../../generation/image-input.js';
import { nearestAspectRatio, sizeFor, type AspectRatio } from '../../../generation/sizes.js';
import type { GenerationRequest, InputImage } from '../../../providers/provider.js';
import type { MultipartForm } from '../../multipart/read-form.js';
import { fieldSchemas, MAX_PROMPT_CHARS, type ParsedFields, type TextField } from './fields.js';

export const SD3_FILE_FIELDS: ReadonlySet<string> = new Set(['image']);
const SD3_TEXT_FIELDS: readonly TextField[] = [
  'prompt', 'mode', 'strength', 'aspect_ratio', 'model', 'seed', 'output_format', 'negative_prompt', 'cfg_scale', 'style_preset',
];

/** Parses each present text field with its schema; problems go into `errors`. */
export function parseTextFields(form: MultipartForm, names: readonly TextField[], errors: string[]): ParsedFields {
  const parsed: Record<string, unknown> = {};
  for (const name of names) {
    if (form.duplicates.has(name)) errors.push(`${name}: must be sent only once`);
    if (form.files.has(name) || (form.fileNames.has(name) && !form.fields.has(name))) {
      errors.push(`${name}: must be a text field, not a file`);
      continue;
    }
    const value = form.fields.get(name);
    if (value === undefined) continue;
    // A truncated value is still longer than any field allows, so its schema names the rule broken.
    const result = fieldSchemas[name].safeParse(value);
    if (result.success && !form.truncated.has(name)) parsed[name] = result.data;
    else errors.push(`${name}: ${result.success ? `must be at most ${MAX_PROMPT_CHARS} characters` : (result.error.issues[0]?.message ?? 'is invalid')}`);
  }
  return parsed as ParsedFields;
}

/** The sd3 endpoint's slice of the catalogue, resolved once when the route is registered. */
export interface Sd3Catalogue {
  models: ReadonlyMap<string, ModelSpec>;
  invalidModel: string;
}

export function sd3Catalogue(all: ReadonlyMap<string, ModelSpec>): Sd3Catalogue {
  const models = new Map([...all].filter(([, m]) => m.endpoint === 'sd3'));
  return { models, invalidModel: `model: must be one of ${[...models.keys()].join(', ')}` };
}

export async function validateSd3(form: MultipartForm, catalogue: Sd3Catalogue): Promise<GenerationRequest> {
  const errors: string[] = [];
  const f = parseTextFields(form, SD3_TEXT_FIELDS, errors);
  if (form.duplicates.has('image')) errors.push('image: must be sent only once');
  if (form.fields.has('image')) errors.push('image: must be a file');

  if (!form.fields.has('prompt') && !form.fileNames.has('prompt')) errors.push('prompt: is required');
  const model = catalogue.models.get(f.model ?? DEFAULT_SD3_MODEL);
  if (!model) errors.push(catalogue.invalidModel);

  const imageToImage = (f.mode ?? form.fields.get('mode')) === 'image-to-image';
  const imagePart = form.files.get('image');
  if (imageToImage) {
    if (!imagePart && !form.fields.has('image')) errors.push('image: is required for image-to-image');
    if (!form.fields.has('strength')) errors.push('strength: is required for image-to-image');
    if (form.fields.has('aspect_ratio')) errors.push('aspect_ratio: is only valid for text-to-image');
  } else {
    if (imagePart) errors.push('image: is only valid for image-to-image');
    if (form.fields.has('strength')) errors.push('strength: is only valid for image-to-image');
  }

  let image: InputImage | undefined;
  if (imageToImage && imagePart) {
    const inspected = await inspectImage(imagePart.bytes);
    if (inspected.ok) image = inspected.image;
    else errors.push(inspected.problem);
  }
  if (errors.length > 0 || !model) throw badRequest(errors);

  const aspectRatio: AspectRatio = image ? nearestAspectRatio(image.width, image.height) : (f.aspect_ratio ?? '1:1');
  const { width, height } = sizeFor('sd3', aspectRatio);
  return {
    endpoint: 'sd3',
    model: model.id,
    prompt: f.prompt!,
    // Distilled models cannot use a negative prompt; Stability ignores it for them too.
    negativePrompt: model.distilled || !f.negative_prompt ? undefined : f.negative_prompt,
    width,
    height,
    aspectRatio,
    seed: f.seed ?? 0,
    outputFormat: f.output_format ?? 'png',
    cfgScale: f.cfg_scale ?? (model.distilled ? 1 : 4),
    stylePreset: f.style_preset,
    image,
    strength: image ? f.strength : undefined,
  };
}
