/**
 * @module Reads Stability's 200: the image bytes with `finish-reason` and `seed` headers, made
 * exactly the size and format the station promised its client.
 */
import { loadSharp } from '../../codecs/lazy-sharp.js';
import { inFormat, sniffFormat } from '../convert.js';
import { header, readAll, type OpenAnswer, type UpstreamAnswer } from '../http/upstream-http.js';
import { imageInfo, MAX_HEAD_BYTES } from '../image-stream.js';
import type { FinishReason, GenerationRequest, GenerationResult, OutputFormat, ProviderAnswer } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

const MAX_SEED = 4_294_967_294;

const broken = (why: string, cause?: unknown) => new UpstreamFailure('broken', `stability ${why}`, true, 200, { cause });

/** SUCCESS or CONTENT_FILTERED (a blurred but delivered, and charged, image); absent means SUCCESS. */
export function finishReasonOf(answer: Pick<UpstreamAnswer, 'headers'>): FinishReason {
  const value = header(answer, 'finish-reason')?.trim().toUpperCase();
  if (value === undefined || value === '' || value === 'SUCCESS') return 'SUCCESS';
  if (value === 'CONTENT_FILTERED') return 'CONTENT_FILTERED';
  throw broken(`answered 200 with finish-reason ${JSON.stringify(value.slice(0, 40))}`);
}

/**
 * The seed the image was made with: Stability's `seed` header, else the one we sent. With seed 0
 * sent and no header, the seed is unknowable, and the station never reports 0.
 */
export function seedOf(answer: Pick<UpstreamAnswer, 'headers'>, sentSeed: number): number {
  const value = header(answer, 'seed')?.trim();
  const reported = value && /^\d+$/.test(value) ? Number(value) : 0;
  if (reported >= 1 && reported <= MAX_SEED) return reported;
  if (sentSeed > 0) return sentSeed;
  throw broken('answered 200 without the seed it picked');
}

/**
 * `bytes` as a `width` x `height` image in `format`. Stability already answers the table's size
 * in the requested format, so this usually only sniffs; a different size (an image-to-image
 * answer at the input's shape) is cropped to fill, as the client was promised that size.
 */
export async function exactImage(bytes: Buffer, format: OutputFormat, width: number, height: number): Promise<Buffer> {
  if (!sniffFormat(bytes)) throw broken('answered 200 with something that is not an image');
  const meta = await (await loadSharp())(bytes).metadata().catch((error: unknown) => {
    throw broken('answered an image that cannot be decoded', error);
  });
  if (meta.width === width && meta.height === height) return inFormat(bytes, format);
  try {
    return await (await loadSharp())(bytes).resize(width, height, { fit: 'cover' }).toFormat(format).toBuffer();
  } catch (error) {
    throw broken('answered an image that cannot be decoded', error);
  }
}

/**
 * The 200 passed through as it arrives when its head shows the promised format and size (what
 * Stability answers to `output_format` and the aspect ratio); anything else is read whole and made
 * exact as above.
 */
export async function streamedResultFrom(answer: OpenAnswer, request: GenerationRequest, sentSeed: number): Promise<ProviderAnswer> {
  const flow = answer.body;
  try {
    const finishReason = finishReasonOf(answer);
    const seed = seedOf(answer, sentSeed);
    const info = await flow.head(imageInfo, MAX_HEAD_BYTES);
    if (info && info.format === request.outputFormat && info.width === request.width && info.height === request.height) {
      return { stream: flow, format: info.format, seed, finishReason };
    }
    const bytes = await exactImage(await readAll(flow.open()), request.outputFormat, request.width, request.height);
    return { bytes, format: request.outputFormat, seed, finishReason };
  } catch (error) {
    flow.cancel();
    throw error;
  }
}
