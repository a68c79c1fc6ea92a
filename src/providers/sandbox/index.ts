/** @module The built-in sandbox provider: real, honestly labelled images with no upstream at all. */
import { randomInt } from 'node:crypto';
import { loadSharp } from '../../codecs/lazy-sharp.js';
import type { GenerationRequest, GenerationResult, OutputFormat, Provider, ProviderCallContext, ProviderDefinition } from '../provider.js';
import { blendInto, loadInputPixels } from './blend.js';
import { LABEL } from './font.js';
import { renderPicture } from './render.js';

export { renderPicture, type RenderInput } from './render.js';

/** Largest seed the public API accepts; 0 is reserved for "pick one". */
const MAX_SEED = 4294967294;

export function createSandboxProvider(): Provider {
  return { generate };
}

async function generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult> {
  const { signal } = ctx;
  throwIfAborted(signal);
  const seed = request.seed === 0 ? randomInt(1, MAX_SEED + 1) : request.seed;
  const { width, height } = request;
  // Start decoding on libuv's pool so it overlaps with the (synchronous) render below.
  const input = request.image === undefined ? undefined : loadInputPixels(request.image, width, height);
  // Avoid an unhandled rejection if the render throws before we await the decode.
  input?.catch(() => undefined);
  const pixels = renderPicture({ ...request, seed }, width, height);
  if (input !== undefined) blendInto(pixels, await input, request.strength ?? 1);
  throwIfAborted(signal);
  const bytes = await encode(pixels, width, height, request.outputFormat);
  throwIfAborted(signal);
  return { bytes, format: request.outputFormat, seed, finishReason: 'SUCCESS' };
}

function throwIfAborted(signal: AbortSignal): void {
  // Reject with the caller's own reason so it can tell its abort apart from a failure.
  if (signal.aborted) throw signal.reason;
}

/** Encoder settings favour speed over size: these are test images, not deliverables. */
async function encode(pixels: Buffer, width: number, height: number, format: OutputFormat): Promise<Buffer> {
  const image = (await loadSharp())(pixels, { raw: { width, height, channels: 3 } }).withExif({
    IFD0: { ImageDescription: LABEL, Software: 'aigate sandbox provider' },
  });
  switch (format) {
    case 'png':
      // zlib level 1: about 40% faster than 3 on a 1 MP picture, for a file about 1.8 times larger.
      return image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90, mozjpeg: false }).toBuffer();
    case 'webp':
      return image.webp({ quality: 80, effort: 0 }).toBuffer();
  }
}

/** The built-in channel type: no upstream, no credentials, nothing to configure. */
export const sandboxDefinition: ProviderDefinition = {
  create: () => createSandboxProvider(),
  needsCredentials: false,
  defaultBaseUrl: 'builtin:sandbox',
};
