/**
 * @module Images in an S3 bucket, or any server speaking S3's REST protocol (MinIO, Cloudflare R2,
 * Ceph, Garage...), through the AWS SDK: PutObject, GetObject and DeleteObjects under one key
 * prefix. Shared by every replica, unlike a local disk.
 */
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { S3Settings } from './image-config.js';
import type { ImageStore, StoredImage } from './image-store.js';

export interface S3StoreOptions {
  /** Attempts per call, retries included (default 3). */
  maxAttempts?: number;
  /** A call that takes longer fails (default 30 s): a stalled bucket must not pile up work. */
  requestTimeoutMs?: number;
  /** Connecting that takes longer fails (default 5 s). */
  connectionTimeoutMs?: number;
}

/** S3 takes at most 1,000 keys per DeleteObjects call. */
const DELETE_BATCH = 1000;

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

export function s3ImageStore(settings: S3Settings, options: S3StoreOptions = {}): ImageStore {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    // A copy: the SDK marks the object it is given, and the configuration is frozen.
    credentials: settings.credentials && { ...settings.credentials },
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
    },
    // Checksums only where S3 requires them (DeleteObjects): many S3-compatible servers reject
    // the newer flexible-checksum headers and aws-chunked uploads the SDK would otherwise send.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;
  const keyOf = (key: string) => `${settings.prefix}${key}`;

  return {
    kind: 's3',

    async put(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: keyOf(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
    },

    async get(key): Promise<StoredImage | undefined> {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
        if (!object.Body || object.ContentLength === undefined) throw new Error(`GetObject ${keyOf(key)} answered without a body or its length`);
        // In Node the body is the response's IncomingMessage.
        return { body: object.Body as Readable, contentType: object.ContentType ?? 'application/octet-stream', length: object.ContentLength };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const Objects = keys.slice(i, i + DELETE_BATCH).map((key) => ({ Key: keyOf(key) }));
        const answer = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
        // S3 reports keys that were already gone as deleted; anything in Errors is a real failure.
        const failed = answer.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(`DeleteObjects could not delete ${failed.length} of ${Objects.length} objects (first: ${first.Key ?? '?'}: ${first.Code ?? '?'} ${first.Message ?? ''})`);
        }
      }
    },

    close: async () => client.destroy(),
  };
}
