/**
 * @module Output sizes per aspect ratio (spec §6, §10): about 1 MP for sd3 and ultra,
 * about 1.5 MP for core.
 */
import type { Endpoint } from '../providers/provider.js';

export const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export interface Size {
  width: number;
  height: number;
}

/** Stability's published 1 MP sizes; every side is a multiple of 64. */
const ONE_MEGAPIXEL: Readonly<Record<AspectRatio, Size>> = Object.freeze({
  '1:1': { width: 1024, height: 1024 },
  '5:4': { width: 1088, height: 896 },
  '3:2': { width: 1216, height: 832 },
  '16:9': { width: 1344, height: 768 },
  '21:9': { width: 1536, height: 640 },
  '4:5': { width: 896, height: 1088 },
  '2:3': { width: 832, height: 1216 },
  '9:16': { width: 768, height: 1344 },
  '9:21': { width: 640, height: 1536 },
});

/** Scales a size by `factor` and rounds each side to a multiple of 64 (core's 1.5 MP sizes). */
function scaled(size: Size, factor: number): Size {
  const round64 = (n: number) => Math.round((n * factor) / 64) * 64;
  return { width: round64(size.width), height: round64(size.height) };
}

const CORE: Readonly<Record<AspectRatio, Size>> = Object.freeze(
  Object.fromEntries(ASPECT_RATIOS.map((r) => [r, scaled(ONE_MEGAPIXEL[r], 1.5)])) as Record<AspectRatio, Size>,
);

export function sizeFor(endpoint: Endpoint, ratio: AspectRatio): Size {
  return endpoint === 'core' ? CORE[ratio] : ONE_MEGAPIXEL[ratio];
}

/** The aspect ratio in the table nearest to an input image's (spec §6, image-to-image). */
export function nearestAspectRatio(width: number, height: number): AspectRatio {
  const target = Math.log(width / height);
  let best: AspectRatio = '1:1';
  let bestDistance = Infinity;
  for (const ratio of ASPECT_RATIOS) {
    const { width: w, height: h } = ONE_MEGAPIXEL[ratio];
    const distance = Math.abs(Math.log(w / h) - target);
    if (distance < bestDistance) {
      best = ratio;
      bestDistance = distance;
    }
  }
  return best;
}
