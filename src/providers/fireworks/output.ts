/**
 * @module Makes Fireworks' image the exact size and format the station promised. Fireworks sizes
 * by aspect ratio (workflows) or from a fixed list (SDXL), which need not be the station's table
 * (5:4 is 1088x896 here, 1152x896 on SDXL), and it renders png or jpeg only.
 */
import type { Metadata } from 'sharp';
import { loadSharp } from '../../codecs/lazy-sharp.js';
import { inFormat, sniffFormat } from '../convert.js';
import type { OutputFormat } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

const broken = (why: string, cause?: unknown) => new UpstreamFailure('broken', why, true, undefined, { cause });

/**
 * Returns `bytes` as a `width`x`height` image in `format`. Converts only when needed; a size
 * mismatch is cropped to fill (`cover`), the way Stability fits its outputs, never stretched.
 * @throws UpstreamFailure('broken') when the bytes are no decodable image.
 */
export async function fitOutput(bytes: Buffer, width: number, height: number, format: OutputFormat): Promise<Buffer> {
  if (!sniffFormat(bytes)) throw broken('fireworks returned something that is not an image');
  let size: Metadata;
  try {
    // Reads the header only: cheap, and enough to know whether to touch the pixels at all.
    size = await (await loadSharp())(bytes).metadata();
  } catch (error) {
    throw broken('fireworks returned an image that cannot be decoded', error);
  }
  if (size.width === width && size.height === height) return inFormat(bytes, format);
  try {
    return await (await loadSharp())(bytes)
      .resize(width, height, { fit: 'cover' })
      .toFormat(format, format === 'png' ? { compressionLevel: 4 } : { quality: 90 })
      .toBuffer();
  } catch (error) {
    throw broken('fireworks returned an image that cannot be decoded', error);
  }
}
