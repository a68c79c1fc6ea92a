/**
 * @module Judges an uploaded image by its content, not its name (spec §4): jpeg, png or webp,
 * each side at least 64 px, at most 9,437,184 pixels. sharp reads the header first and refuses an
 * over-large declaration before allocating anything, which is what stops a decompression bomb.
 */
import { loadSharp } from '../codecs/lazy-sharp.js';
import type { InputImage, OutputFormat } from '../providers/provider.js';

export const MAX_INPUT_PIXELS = 9_437_184;
export const MIN_INPUT_SIDE = 64;
const FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp']);

export type InspectedImage = { ok: true; image: InputImage } | { ok: false; problem: string };

/** @param maxSide the longest side allowed, beyond the pixel cap (ultra: 16,384). */
export async function inspectImage(bytes: Buffer, field = 'image', maxSide = Infinity): Promise<InspectedImage> {
  const notAnImage = { ok: false, problem: `${field}: must be a jpeg, png or webp image` } as const;
  if (bytes.length === 0) return notAnImage;
  const meta = await (await loadSharp())(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
    .metadata()
    .catch((error: Error) => error);
  if (meta instanceof Error) {
    const tooBig = /pixel limit/i.test(meta.message);
    return tooBig ? { ok: false, problem: `${field}: must have at most ${MAX_INPUT_PIXELS} pixels` } : notAnImage;
  }
  const { format } = meta;
  // EXIF orientations 5-8 turn the picture a quarter: its upright size is the header's, swapped.
  const quarterTurn = (meta.orientation ?? 1) >= 5;
  const width = quarterTurn ? meta.height : meta.width;
  const height = quarterTurn ? meta.width : meta.height;
  if (!format || !FORMATS.has(format) || !width || !height) return notAnImage;
  if (width < MIN_INPUT_SIDE || height < MIN_INPUT_SIDE) {
    return { ok: false, problem: `${field}: each side must be at least ${MIN_INPUT_SIDE} pixels (got ${width}x${height})` };
  }
  if (width > maxSide || height > maxSide) {
    return { ok: false, problem: `${field}: each side must be at most ${maxSide} pixels (got ${width}x${height})` };
  }
  try {
    // A header can be intact over a truncated or corrupt body: decode it all, shrunk on load.
    await (await loadSharp())(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' }).resize(16, 16, { fit: 'fill' }).raw().toBuffer();
  } catch {
    return { ok: false, problem: `${field}: is truncated or corrupt` };
  }
  return { ok: true, image: { bytes, format: format as OutputFormat, width, height } };
}
