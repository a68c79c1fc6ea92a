/**
 * @module The default model catalogue and price list (spec §4, §8). Operators override prices
 * with AIGATE_PRICES; the catalogue itself is data, so adding a model touches no code.
 */
import type { Endpoint } from '../providers/provider.js';

export interface ModelSpec {
  /** The id clients send in `model` (sd3) or the endpoint's name (ultra, core). */
  id: string;
  endpoint: Endpoint;
  /** Price per successful image, in milli-credits. */
  price: number;
  /** Turbo and flash models are distilled: they ignore negative prompts and want cfg 1. */
  distilled: boolean;
  description: string;
}

const sd3 = (id: string, credits: number, distilled: boolean, description: string): ModelSpec => ({
  id,
  endpoint: 'sd3',
  price: Math.round(credits * 1000),
  distilled,
  description,
});

export const DEFAULT_MODELS: readonly ModelSpec[] = [
  sd3('sd3-large', 6.5, false, 'Stable Diffusion 3 Large, 8B parameters'),
  sd3('sd3-large-turbo', 4, true, 'Stable Diffusion 3 Large Turbo, 8B parameters, fewer steps'),
  sd3('sd3-medium', 3.5, false, 'Stable Diffusion 3 Medium, 2B parameters'),
  sd3('sd3.5-large', 6.5, false, 'Stable Diffusion 3.5 Large'),
  sd3('sd3.5-large-turbo', 4, true, 'Stable Diffusion 3.5 Large Turbo'),
  sd3('sd3.5-medium', 3.5, false, 'Stable Diffusion 3.5 Medium'),
  sd3('sd3.5-flash', 2.5, true, 'Stable Diffusion 3.5 Flash'),
  { id: 'ultra', endpoint: 'ultra', price: 8000, distilled: false, description: 'Stable Image Ultra' },
  { id: 'core', endpoint: 'core', price: 3000, distilled: false, description: 'Stable Image Core' },
];

/** The sd3 endpoint's default model: the seed's (spec §4). */
export const DEFAULT_SD3_MODEL = 'sd3-large';
