/**
 * @module Output formats: sniff what an upstream returned and re-encode with sharp only when it is
 * not what the client asked for (most upstreams cannot produce every format).
 */
import { loadSharp } from '../codecs/lazy-sharp.js';
import type { OutputFormat } from './provider.js';
import { UpstreamFailure } from './upstream-failure.js';

/** Recognises png, jpeg and webp by their magic bytes, without decoding. */
export function sniffFormat(bytes: Buffer): OutputFormat | undefined {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/**
 * Returns `bytes` in `format`, converting only when needed.
 * @throws UpstreamFailure('broken') when the upstream's bytes are no image.
 */
export async function inFormat(bytes: Buffer, format: OutputFormat): Promise<Buffer> {
  const found = sniffFormat(bytes);
  if (!found) throw new UpstreamFailure('broken', 'the upstream returned something that is not an image', true);
  if (found === format) return bytes;
  try {
    return await (await loadSharp())(bytes).toFormat(format, format === 'png' ? { compressionLevel: 4 } : { quality: 90 }).toBuffer();
  } catch (error) {
    throw new UpstreamFailure('broken', 'the upstream image could not be decoded', true, undefined, { cause: error });
  }
}
