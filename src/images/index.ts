/**
 * @module Keeping generated images (issue: "viewable from the usage log"): the image store the
 * configuration names, the step that keeps a delivered image, and the retention sweep.
 */
import type { ImageConfig } from './image-config.js';
import { diskImageStore } from './disk-image-store.js';
import type { ImageStore } from './image-store.js';
import { s3ImageStore } from './s3-image-store.js';

export type { ImageConfig, S3Settings } from './image-config.js';
export { CONTENT_TYPES, imageKey, type ImageStore, type StoredImage } from './image-store.js';
export { describeFailure, ImageBacklogError, imageKeeper, keepImage, type ImageKeeper } from './keep-image.js';
export { DAY_MS, startImageSweeper, sweepImages, type ImageSweeper } from './retention.js';

/**
 * Opens the configured store. Each caller owns (and closes) what it opens: a disk store holds
 * nothing open, an S3 one a connection pool.
 * @returns undefined when images are not kept (AIGATE_IMAGE_STORE=off).
 */
export function openImageStore(config: ImageConfig): ImageStore | undefined {
  if (config.store === 'disk') return diskImageStore(config.dir);
  if (config.store === 's3') return s3ImageStore(config.s3);
  return undefined;
}
