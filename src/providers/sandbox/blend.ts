/** @module Image-to-image for the sandbox: fit the client's picture to the output size and mix it in. */
import { loadSharp } from '../../codecs/lazy-sharp.js';
import type { InputImage } from '../provider.js';

/** Same cap as request validation (3072x3072), so a decompression bomb cannot slip through here. */
const MAX_INPUT_PIXELS = 9437184;

/**
 * Decodes the input to exactly width x height raw RGB. `cover` with a centre crop keeps the
 * client's proportions (no stretching) at the cost of trimming edges when the ratio differs.
 * EXIF orientation is applied first so phone photos are blended the way they are viewed.
 */
export async function loadInputPixels(image: InputImage, width: number, height: number): Promise<Buffer> {
  const { data, info } = await (await loadSharp())(image.bytes, { limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true })
    .resize(width, height, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' }) // transparency means "paper", not black
    .toColourspace('srgb') // greyscale inputs would otherwise come back with one channel
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) {
    throw new Error(`sandbox: decoded input is ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
  }
  return data;
}

/**
 * Mixes `input` into `render` in place: out = input*(1-strength) + render*strength, rounded.
 * Written so strength 0 and 1 reproduce their source exactly (the other term multiplies by 0).
 */
export function blendInto(render: Uint8Array, input: Uint8Array, strength: number): void {
  if (render.length !== input.length) throw new Error('sandbox: blend buffers differ in size');
  const keep = 1 - strength;
  for (let i = 0; i < render.length; i++) {
    render[i] = Math.round(input[i]! * keep + render[i]! * strength);
  }
}
