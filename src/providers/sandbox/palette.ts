/** @module Colour palettes: a style preset picks the mood, the PRNG picks the exact hues. */
import { between, type Random } from './prng.js';

export type Rgb = readonly [number, number, number];

export interface Palette {
  /** Three gradient stops for the background. */
  background: readonly [Rgb, Rgb, Rgb];
  /** Colours for the soft shapes drawn over the background. */
  accents: readonly Rgb[];
}

interface Mood {
  /** Fixed anchor hue in degrees; undefined lets the PRNG choose. */
  hue?: number;
  /** Spread of the hues around the anchor, in degrees. */
  spread: number;
  saturation: readonly [number, number];
  backgroundLightness: readonly [number, number];
  accentLightness: readonly [number, number];
}

const DEFAULT_MOOD: Mood = { spread: 140, saturation: [0.45, 0.8], backgroundLightness: [0.18, 0.62], accentLightness: [0.5, 0.78] };

/** Only presets with a recognisable look get a mood; the rest still differ because the preset is hashed. */
const MOODS: Readonly<Record<string, Mood>> = {
  'neon-punk': { hue: 300, spread: 120, saturation: [0.85, 1], backgroundLightness: [0.05, 0.2], accentLightness: [0.55, 0.65] },
  anime: { spread: 100, saturation: [0.5, 0.75], backgroundLightness: [0.72, 0.9], accentLightness: [0.7, 0.85] },
  photographic: { hue: 30, spread: 170, saturation: [0.25, 0.45], backgroundLightness: [0.2, 0.6], accentLightness: [0.45, 0.7] },
  cinematic: { hue: 190, spread: 160, saturation: [0.4, 0.6], backgroundLightness: [0.08, 0.35], accentLightness: [0.45, 0.6] },
  'analog-film': { hue: 35, spread: 50, saturation: [0.25, 0.45], backgroundLightness: [0.4, 0.7], accentLightness: [0.55, 0.75] },
  'line-art': { spread: 30, saturation: [0, 0.12], backgroundLightness: [0.85, 0.97], accentLightness: [0.3, 0.6] },
  'fantasy-art': { hue: 270, spread: 90, saturation: [0.5, 0.75], backgroundLightness: [0.12, 0.45], accentLightness: [0.6, 0.75] },
  'comic-book': { spread: 180, saturation: [0.85, 1], backgroundLightness: [0.45, 0.6], accentLightness: [0.5, 0.6] },
};

/** HSL (h in degrees, s and l in [0, 1]) to 8-bit sRGB. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 60;
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const m = lightness - chroma / 2;
  const [r, g, b] =
    h < 1 ? [chroma, x, 0] : h < 2 ? [x, chroma, 0] : h < 3 ? [0, chroma, x] : h < 4 ? [0, x, chroma] : h < 5 ? [x, 0, chroma] : [chroma, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function pickPalette(random: Random, stylePreset: string | undefined): Palette {
  const mood = (stylePreset !== undefined && MOODS[stylePreset]) || DEFAULT_MOOD;
  // A fixed anchor still wobbles a little so two prompts in the same style do not look identical.
  const anchor = mood.hue === undefined ? between(random, 0, 360) : mood.hue + between(random, -20, 20);
  const colour = (lightness: readonly [number, number]): Rgb =>
    hslToRgb(
      anchor + between(random, -mood.spread / 2, mood.spread / 2),
      between(random, mood.saturation[0], mood.saturation[1]),
      between(random, lightness[0], lightness[1]),
    );
  const background: [Rgb, Rgb, Rgb] = [colour(mood.backgroundLightness), colour(mood.backgroundLightness), colour(mood.backgroundLightness)];
  const accents = Array.from({ length: 4 }, () => colour(mood.accentLightness));
  return { background, accents };
}
