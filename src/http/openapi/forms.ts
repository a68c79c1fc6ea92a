/**
 * @module The multipart form of each generate endpoint as JSON Schema, built from the zod field
 * schemas that validate requests (fields.ts). Which fields each endpoint reads, and the defaults
 * its validator applies, are restated here because the validators keep them private; forms.test.ts
 * runs the real validators to prove these lists and defaults match what they read and apply.
 */
import type { ModelSpec } from '../../config/models.js';
import { DEFAULT_SD3_MODEL } from '../../config/models.js';
import { MAX_INPUT_PIXELS, MIN_INPUT_SIDE } from '../../generation/image-input.js';
import type { Endpoint } from '../../providers/provider.js';
import { fieldSchemas, oneOf, type TextField } from '../routes/stability/fields.js';
import { SD3_FILE_FIELDS } from '../routes/stability/validate-sd3.js';
import { CORE_FILE_FIELDS, ULTRA_FILE_FIELDS, ULTRA_MAX_SIDE } from '../routes/stability/validate-ultra-core.js';
import { jsonSchemaOf, type Json, type JsonObject } from './json.js';

export interface FormSpec {
  /** The text fields the endpoint's validator reads. */
  text: readonly TextField[];
  /** The file parts it reads (the route's own set: only these are kept, others are drained). */
  files: ReadonlySet<string>;
  /** Cross-field rules, each enforced as a 400 naming the field. */
  rules: readonly string[];
}

export const FORMS: Readonly<Record<Endpoint, FormSpec>> = {
  sd3: {
    text: ['prompt', 'mode', 'strength', 'aspect_ratio', 'model', 'seed', 'output_format', 'negative_prompt', 'cfg_scale', 'style_preset'],
    files: SD3_FILE_FIELDS,
    rules: [
      '`mode=image-to-image` requires `image` and `strength`, and refuses `aspect_ratio` (the output takes the aspect ratio nearest the input image).',
      '`text-to-image` (the default) refuses `image` and `strength`.',
      '`negative_prompt` is ignored, not refused, for the distilled models (turbo, flash).',
      '`model`, `cfg_scale` and `mode` are read only here: ultra and core ignore them.',
    ],
  },
  ultra: {
    text: ['prompt', 'negative_prompt', 'aspect_ratio', 'seed', 'output_format', 'style_preset', 'strength'],
    files: ULTRA_FILE_FIELDS,
    rules: [
      '`image` is optional; when sent it requires `strength`, and `strength` without `image` is refused.',
      `\`image\` may be up to ${ULTRA_MAX_SIDE} px a side. \`aspect_ratio\` is always allowed; without it an input image's nearest ratio is used.`,
      '`mode`, `model` and `cfg_scale` are ignored if sent.',
    ],
  },
  core: {
    text: ['prompt', 'negative_prompt', 'aspect_ratio', 'seed', 'output_format', 'style_preset'],
    files: CORE_FILE_FIELDS,
    rules: ['`mode`, `model`, `cfg_scale`, `image` and `strength` are ignored if sent.'],
  },
};

/** What each validator uses when a field is absent (validate-sd3.ts, validate-ultra-core.ts). */
export const DEFAULTS: Partial<Record<TextField, Json>> = {
  mode: 'text-to-image',
  aspect_ratio: '1:1',
  model: DEFAULT_SD3_MODEL,
  seed: 0,
  output_format: 'png',
  cfg_scale: 4,
};

/** Typed by TextField, so a new field fails to compile until it is described. */
const DESCRIPTIONS: Readonly<Record<TextField, string>> = {
  prompt: 'What you wish to see in the output image.',
  negative_prompt: 'What you do not wish to see in the output image.',
  mode: 'Whether to generate from text alone or to transform an input `image`.',
  strength: 'Image-to-image only: how much the input image is ignored; 0 keeps it, 1 ignores it.',
  aspect_ratio: 'The output shape, at about one megapixel (core: about 1.5 MP).',
  model: 'The model; each has its own price in credits.',
  seed: 'The randomness seed; 0 (the default) lets the station pick one and report it in the `seed` header.',
  output_format: 'The output image format.',
  cfg_scale: 'How strictly the diffusion follows the prompt. Default 4, but 1 for the distilled (turbo, flash) models.',
  style_preset: 'Guides the image model towards a particular style.',
};

const imageProperty = (maxSide: number | null): JsonObject => ({
  type: 'string',
  format: 'binary',
  contentMediaType: 'application/octet-stream',
  description:
    `A jpeg, png or webp image, judged by its content, not its name; each side at least ${MIN_INPUT_SIDE} px, ` +
    `at most ${MAX_INPUT_PIXELS} pixels${maxSide ? `, at most ${maxSide} px a side` : ''}.`,
});

/** The `model` enum is the configured catalogue's sd3 models, not a list written here. */
function modelSchema(models: readonly ModelSpec[]): JsonObject {
  const ids = models.map((m) => m.id);
  const [first, ...rest] = ids;
  const schema = first === undefined ? jsonSchemaOf(fieldSchemas.model) : jsonSchemaOf(oneOf([first, ...rest]));
  const prices = models.map((m) => `\`${m.id}\` ${m.price / 1000}`).join(', ');
  return { ...schema, description: `${DESCRIPTIONS.model} Credits per image: ${prices}.` };
}

/** The request body schema of one endpoint's multipart form. */
export function formSchema(endpoint: Endpoint, models: readonly ModelSpec[]): JsonObject {
  const spec = FORMS[endpoint];
  const properties: JsonObject = {};
  for (const name of spec.text) {
    const base = name === 'model' ? modelSchema(models) : { ...jsonSchemaOf(fieldSchemas[name]), description: DESCRIPTIONS[name] };
    const fallback = DEFAULTS[name];
    properties[name] = fallback === undefined ? base : { ...base, default: fallback };
  }
  for (const name of spec.files) properties[name] = imageProperty(endpoint === 'ultra' ? ULTRA_MAX_SIDE : null);
  const paired = spec.files.has('image') && spec.text.includes('strength');
  return {
    type: 'object',
    description: `Every part is sent as text, numbers too ("0.6"); unknown parts are ignored; a part sent twice is refused.\n\n${spec.rules.map((r) => `- ${r}`).join('\n')}`,
    properties,
    required: ['prompt'],
    // Machine-readable where JSON Schema can say it simply: image and strength come together.
    ...(paired ? { dependentRequired: { image: ['strength'], strength: ['image'] } } : {}),
  };
}
