/**
 * @module Keeps an image the station delivered: its row, then its object in the image store. Runs
 * after the response is out (src/http/usage-log.ts), so it can never change what the client got
 * or what it was charged. The object goes first and its row after, so a row (and the usage log's
 * image_url) only ever names a stored image. A crash between the two leaves an object without a
 * row: on disk the sweep removes past day directories whole; in S3, a lifecycle rule on the
 * prefix does (README).
 */
import type { OutputFormat } from '../providers/provider.js';
import type { ImageRecord, Store } from '../store/store.js';
import { CONTENT_TYPES, imageKey, type ImageStore } from './image-store.js';

export interface KeepDeps {
  store: Pick<Store, 'images'>;
  images: ImageStore;
}

/**
 * Stores the image of `requestId` and records it.
 * @returns the record, or undefined when the request already had one.
 * @throws when it could not be stored; its row is taken back first (best effort).
 */
export async function keepImage(deps: KeepDeps, requestId: string, image: { bytes: Buffer; format: OutputFormat }, at: number): Promise<ImageRecord | undefined> {
  const contentType = CONTENT_TYPES[image.format];
  const record: ImageRecord = { requestId, key: imageKey(requestId, at, image.format), contentType, bytes: image.bytes.length, createdAt: at };
  // A request keeps one image (its id is the row's key): never overwrite a kept one.
  if (await deps.store.images.find(requestId)) return undefined;
  try {
    await deps.images.put(record.key, image.bytes, contentType);
  } catch (error) {
    // A put that failed on our side (a timeout) may still have landed.
    await Promise.allSettled([deps.images.delete([record.key])]);
    throw error;
  }
  // Recorded once stored, so a usage row never links an image that is not there yet.
  if (!(await deps.store.images.record(record))) return undefined;
  return record;
}

/** More images are being stored than the keeper allows at once: this one is not kept. */
export class ImageBacklogError extends Error {
  override name = 'ImageBacklogError';
  constructor(readonly pending: number) {
    super(`${pending} images are already being stored; this one is not kept`);
  }
}

export interface ImageKeeper {
  /** As keepImage. @throws ImageBacklogError at once when `maxPending` images are still being stored. */
  keep(requestId: string, image: { bytes: Buffer; format: OutputFormat }, at: number): Promise<ImageRecord | undefined>;
}

/**
 * keepImage with a bound on images in flight: a store that stalls (an S3 that does not answer for
 * its whole timeout, with retries) would otherwise hold every delivered image in memory meanwhile.
 * Past the bound, images are dropped (and logged), never queued.
 */
export function imageKeeper(deps: KeepDeps, maxPending = 32): ImageKeeper {
  let pending = 0;
  return {
    async keep(requestId, image, at) {
      if (pending >= maxPending) throw new ImageBacklogError(pending);
      pending += 1;
      try {
        return await keepImage(deps, requestId, image, at);
      } finally {
        pending -= 1;
      }
    },
  };
}

/**
 * What a log line may say about a failure: its kind, message, code and HTTP status, never the
 * request or response an SDK error carries (signed headers, bodies).
 */
export function describeFailure(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  return { type: e.name, message: e.message.slice(0, 500), code: e.code ?? e.Code, status: e.$metadata?.httpStatusCode };
}
