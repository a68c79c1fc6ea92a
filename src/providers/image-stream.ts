/**
 * @module Passing an upstream's image through without holding it whole: just enough of its head
 * is read (image-flow.ts) to know its format and size (image-size parses headers only, like
 * `sharp().metadata()` did, but without a copy of the whole answer or a trip to libuv), then the
 * rest is handed on as it arrives. An answer whose head is not what the client was promised is
 * read whole instead, so the caller can convert or crop it.
 */
import { imageSize } from 'image-size';
import { sniffFormat } from './convert.js';
import { readAll } from './http/upstream-http.js';
import type { GenerationResult, OutputFormat, ProviderAnswer } from './provider.js';

export interface ImageInfo {
  format: OutputFormat;
  width: number;
  height: number;
}

/** How far into an answer its size must show (a JPEG's SOF follows its EXIF and ICC segments). */
export const MAX_HEAD_BYTES = 256 * 1024;

/** The format and size from an image's first bytes; undefined while they do not tell yet (or never will). */
export function imageInfo(head: Buffer): ImageInfo | undefined {
  const format = sniffFormat(head);
  if (!format) return undefined;
  try {
    // A copy: image-size reads through the ArrayBuffer, and a view's bytes past its end are someone
    // else's. PNG and WebP state their size in the first 30 bytes; a JPEG's can follow its EXIF.
    const probe = format === 'jpeg' ? head : head.subarray(0, 64);
    const { width, height } = imageSize(Uint8Array.prototype.slice.call(probe));
    return width && height ? { format, width, height } : undefined;
  } catch {
    return undefined;
  }
}

/** The answer as one whole image, read to its end when it is a stream (tests, the CLI's channel test). */
export async function wholeImage(answer: ProviderAnswer): Promise<GenerationResult> {
  if (!('stream' in answer)) return answer;
  const { stream, ...meta } = answer;
  return { ...meta, bytes: await readAll(stream.open()) };
}
