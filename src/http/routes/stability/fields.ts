/**
 * @module The multipart fields of the generate endpoints as zod schemas over the text parts
 * (spec §4, §10). Each schema's message is the rule a client broke; the field name is prefixed
 * by validation. These same schemas are the source for the OpenAPI document.
 */
import { z } from 'zod';
import { ASPECT_RATIOS } from '../../../generation/sizes.js';

export const MAX_PROMPT_CHARS = 10_000;
export const MAX_SEED = 4_294_967_294;
export const MODES = ['text-to-image', 'image-to-image'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const STYLE_PRESETS = [
  'enhance', 'anime', 'photographic', 'digital-art', 'comic-book', 'fantasy-art', 'line-art', 'analog-film', 'neon-punk',
  'isometric', 'low-poly', 'origami', 'modeling-compound', 'cinematic', '3d-model', 'pixel-art', 'tile-texture',
] as const;

const chars = (s: string) => [...s].length;

const text = (min: number, max: number) =>
  z
    .string()
    .refine((s) => chars(s) >= min && chars(s) <= max, {
      message: min > 0 ? `must be between ${min} and ${max} characters` : `must be at most ${max} characters`,
    })
    // Documentation only: a refine is opaque to z.toJSONSchema, and JSON Schema's lengths count
    // code points exactly as `chars` does, so the OpenAPI document states the same bounds.
    .meta({ minLength: min, maxLength: max });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** A decimal sent as text ("0.6", "4.0"), bounded; never clamped. */
const decimal = (min: number, max: number, integer = false) => {
  const rule = integer ? `must be an integer between ${min} and ${max}` : `must be a number between ${min} and ${max}`;
  const shape = integer ? /^\s*\d+\s*$/ : /^\s*-?(\d+\.?\d*|\.\d+)\s*$/;
  return z
    .string()
    .regex(shape, { message: rule })
    .transform(Number)
    // `.int()` changes no outcome (the regex admits only digits, and a number past the safe
    // integers is over `max` anyway) and says the same; it types the OpenAPI schema an integer.
    .pipe((integer ? z.number().int({ message: rule }) : z.number()).min(min, { message: rule }).max(max, { message: rule }));
};

export const fieldSchemas = {
  prompt: text(1, MAX_PROMPT_CHARS),
  negative_prompt: text(0, MAX_PROMPT_CHARS),
  mode: oneOf(MODES),
  strength: decimal(0, 1),
  aspect_ratio: oneOf(ASPECT_RATIOS),
  seed: decimal(0, MAX_SEED, true),
  output_format: oneOf(OUTPUT_FORMATS),
  cfg_scale: decimal(1, 10),
  style_preset: oneOf(STYLE_PRESETS),
  /** Checked against the catalogue at run time; listed here for documentation. */
  model: z.string(),
} as const;

export type TextField = keyof typeof fieldSchemas;
export type ParsedFields = { [K in TextField]?: z.output<(typeof fieldSchemas)[K]> };
