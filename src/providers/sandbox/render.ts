/** @module Draws the sandbox's deterministic picture (gradient, soft shapes, label) as raw RGB. */
import { doubled, halved } from './double.js';
import { drawLabel } from './font.js';
import { pickPalette, type Rgb } from './palette.js';
import { between, hashString, mix32, mulberry32, type Random } from './prng.js';

export interface RenderInput {
  prompt: string;
  negativePrompt?: string;
  seed: number;
  model: string;
  stylePreset?: string;
}

const LUT_SIZE = 1024;

/**
 * Returns width*height*3 bytes of RGB; identical inputs always give identical bytes. The soft
 * picture is drawn at half size and doubled (double.ts); the label at full size.
 */
export function renderPicture(input: RenderInput, width: number, height: number): Buffer {
  const random = mulberry32(seedFor(input));
  const palette = pickPalette(random, input.stylePreset);
  const [w, h] = [halved(width), halved(height)];
  const half = Buffer.allocUnsafe(w * h * 3); // every byte is written by the background pass
  drawBackground(half, w, h, random, palette.background);
  const blobs = 4 + Math.floor(random() * 4);
  for (let i = 0; i < blobs; i++) drawBlob(half, w, h, random, palette.accents[i % palette.accents.length]!);
  const pixels = doubled(half, width, height);
  drawLabel(pixels, width, height);
  return pixels;
}

function seedFor(input: RenderInput): number {
  // NUL separators keep ("ab", "c") and ("a", "bc") apart; mix32 is a bijection, so distinct seeds stay distinct.
  const text = [input.model, input.stylePreset ?? '', input.prompt, input.negativePrompt ?? ''].join('\u0000');
  return hashString(text) ^ mix32(input.seed >>> 0);
}

/** A three-stop linear gradient at a random angle, darkened towards the corners. */
function drawBackground(pixels: Uint8Array, width: number, height: number, random: Random, stops: readonly [Rgb, Rgb, Rgb]): void {
  const lut = gradientLut(stops, between(random, 0.3, 0.7));
  const angle = between(random, 0, 2 * Math.PI);
  const halfDiagonal = Math.hypot(width, height) / 2;
  // Index into the LUT changes linearly along a row, so it is stepped rather than recomputed.
  const stepX = (Math.cos(angle) / halfDiagonal) * 0.5 * (LUT_SIZE - 1);
  const stepY = (Math.sin(angle) / halfDiagonal) * 0.5 * (LUT_SIZE - 1);
  const origin = 0.5 * (LUT_SIZE - 1) - stepX * (width / 2) - stepY * (height / 2);
  // The vignette is separable, so two small tables replace a per-pixel distance.
  const strength = between(random, 0.15, 0.35);
  const columnShade = edgeShade(width, strength);
  const rowShade = edgeShade(height, strength);
  let i = 0;
  for (let y = 0; y < height; y++) {
    let index = origin + stepY * y;
    const shadeY = rowShade[y]!;
    for (let x = 0; x < width; x++, index += stepX) {
      // No clamp: a pixel's projection never exceeds the half-diagonal, so index stays in [0, LUT_SIZE - 1].
      const k = ((index + 0.5) | 0) * 3;
      const shade = shadeY * columnShade[x]!;
      pixels[i++] = lut[k]! * shade + 0.5;
      pixels[i++] = lut[k + 1]! * shade + 0.5;
      pixels[i++] = lut[k + 2]! * shade + 0.5;
    }
  }
}

function gradientLut(stops: readonly [Rgb, Rgb, Rgb], middle: number): Float32Array {
  const lut = new Float32Array(LUT_SIZE * 3);
  for (let n = 0; n < LUT_SIZE; n++) {
    const t = n / (LUT_SIZE - 1);
    const [from, to, f] = t < middle ? [stops[0], stops[1], t / middle] : [stops[1], stops[2], (t - middle) / (1 - middle)];
    const eased = f * f * (3 - 2 * f); // smoothstep hides the kink at the middle stop
    for (let c = 0; c < 3; c++) lut[n * 3 + c] = from[c]! + (to[c]! - from[c]!) * eased;
  }
  return lut;
}

function edgeShade(length: number, strength: number): Float32Array {
  const shade = new Float32Array(length);
  for (let n = 0; n < length; n++) {
    const u = (n / Math.max(1, length - 1)) * 2 - 1;
    shade[n] = 1 - strength * u * u;
  }
  return shade;
}

/** A soft disc whose opacity falls smoothly to zero at its edge; only its bounding box is visited. */
function drawBlob(pixels: Uint8Array, width: number, height: number, random: Random, colour: Rgb): void {
  const size = Math.sqrt(width * height);
  const cx = between(random, -0.1, 1.1) * width;
  const cy = between(random, -0.1, 1.1) * height;
  const radius = between(random, 0.12, 0.4) * size;
  const opacity = between(random, 0.35, 0.8);
  const [r, g, b] = colour;
  const inverseR2 = 1 / (radius * radius);
  const top = Math.max(0, Math.ceil(cy - radius));
  const bottom = Math.min(height, Math.floor(cy + radius) + 1);
  for (let y = top; y < bottom; y++) {
    const dy2 = (y - cy) * (y - cy);
    const span = Math.sqrt(Math.max(0, radius * radius - dy2));
    const left = Math.max(0, Math.ceil(cx - span));
    const right = Math.min(width, Math.floor(cx + span) + 1);
    const rowFalloff = 1 - dy2 * inverseR2;
    for (let x = left, i = (y * width + left) * 3; x < right; x++, i += 3) {
      const f = rowFalloff - (x - cx) * (x - cx) * inverseR2;
      if (f <= 0) continue; // the span's rounded ends can poke just outside the disc
      const w = f * f * opacity;
      const pr = pixels[i]!;
      const pg = pixels[i + 1]!;
      const pb = pixels[i + 2]!;
      pixels[i] = pr + (r - pr) * w + 0.5;
      pixels[i + 1] = pg + (g - pg) * w + 0.5;
      pixels[i + 2] = pb + (b - pb) * w + 0.5;
    }
  }
}
