/**
 * @module Passing an upstream's image through without holding it whole: read just enough of its
 * head to know its format and size (image-size parses headers only, like `sharp().metadata()`
 * did, but without a copy of the whole answer or a trip to libuv), then hand on the rest as it
 * arrives. An answer whose head is not what the client was promised is read whole instead, so
 * the caller can convert or crop it.
 */
import { imageSize } from 'image-size';
import { sniffFormat } from './convert.js';
import { readAll } from './http/upstream-http.js';
import type { GenerationResult, OutputFormat, ProviderAnswer } from './provider.js';
import { UpstreamFailure } from './upstream-failure.js';

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

export interface ImageHead {
  /** The chunks read so far, in order. */
  chunks: Buffer[];
  info: ImageInfo | undefined;
}

/** Reads from `source` until the head tells the image's format and size, the answer ends, or MAX_HEAD_BYTES. */
export async function readImageHead(source: AsyncIterator<Buffer>): Promise<ImageHead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await source.next();
    if (next.done) return { chunks, info: undefined };
    chunks.push(next.value);
    size += next.value.length;
    const info = imageInfo(chunks.length === 1 ? next.value : Buffer.concat(chunks, size));
    if (info || size >= MAX_HEAD_BYTES) return { chunks, info };
  }
}

/**
 * The head's chunks, then the rest of `source`; throws when the total differs from a declared
 * `length` (an answer cut short must never pass for a whole image).
 */
export async function* passOn(head: Buffer[], source: AsyncIterator<Buffer>, length: number | undefined): AsyncGenerator<Buffer> {
  let size = 0;
  let finished = false;
  try {
    // Taken out as they go, so the head's chunks are not kept for the life of the stream.
    for (let chunk = head.shift(); chunk; chunk = head.shift()) {
      size += chunk.length;
      yield chunk;
    }
    for (let next = await source.next(); !next.done; next = await source.next()) {
      size += next.value.length;
      yield next.value;
    }
    finished = true;
  } finally {
    // Left early (the client went away): the upstream's body is closed, not left half-read.
    if (!finished) await source.return?.();
  }
  if (length !== undefined && size !== length) throw new UpstreamFailure('broken', `the upstream answer ended after ${size} of ${length} bytes`, true, 200);
}

/** The answer as one whole image, read to its end when it is a stream (tests, the CLI's channel test). */
export async function wholeImage(answer: ProviderAnswer): Promise<GenerationResult> {
  if (!('stream' in answer)) return answer;
  const { stream, ...meta } = answer;
  return { ...meta, bytes: await readAll(stream.chunks) };
}

/** A declared content-length, when it is one. */
export function declaredLength(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
