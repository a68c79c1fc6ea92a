/**
 * @module Makes Replicate's output exactly what the client asked for: its size (image-to-image
 * follows the input's proportions only roughly) and its format (Replicate can produce all three,
 * but a mapped model may not honour `output_format`).
 */
import { loadSharp } from '../../codecs/lazy-sharp.js';
import { inFormat, sniffFormat } from '../convert.js';
import type { OutputFormat } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

/** Far above any real output (SD3.5 makes about 1 MP); refuses a decompression bomb from upstream. */
const MAX_OUTPUT_PIXELS = 4096 * 4096;

const broken = (message: string, cause?: unknown) => new UpstreamFailure('broken', message, true, undefined, { cause });

/**
 * Returns `bytes` as a `width` x `height` image in `format`, touching it only when needed.
 * @throws UpstreamFailure('broken') when the upstream's bytes are no image.
 */
export async function fitOutput(bytes: Buffer, width: number, height: number, format: OutputFormat): Promise<Buffer> {
  if (!sniffFormat(bytes)) throw broken('replicate returned something that is not an image');
  let size: { width?: number | undefined; height?: number | undefined };
  try {
    size = await (await loadSharp())(bytes, { limitInputPixels: MAX_OUTPUT_PIXELS }).metadata();
  } catch (error) {
    throw broken('replicate returned an image that cannot be decoded', error);
  }
  if (size.width === width && size.height === height) return inFormat(bytes, format);
  try {
    // Cover, centred: keeps the picture's proportions and trims what does not fit.
    return await (await loadSharp())(bytes, { limitInputPixels: MAX_OUTPUT_PIXELS })
      .resize(width, height, { fit: 'cover', position: 'centre' })
      .toFormat(format, format === 'png' ? { compressionLevel: 4 } : { quality: 90 })
      .toBuffer();
  } catch (error) {
    throw broken('replicate returned an image that cannot be resized', error);
  }
}
