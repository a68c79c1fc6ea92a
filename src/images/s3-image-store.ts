/**
 * @module Images in an S3 bucket, or any server speaking S3's REST protocol (MinIO, Cloudflare R2,
 * Ceph, Garage...), through the AWS SDK: PutObject, GetObject and DeleteObjects under one key
 * prefix. Shared by every replica, unlike a local disk. The SDK (about 25 MB of memory once
 * loaded) is imported on first use, so a station with S3 off never loads it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
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

type Sdk = typeof import('@aws-sdk/client-s3');

const isMissing = (sdk: Sdk, error: unknown) =>
  error instanceof sdk.S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

const newClient = (sdk: Sdk, settings: S3Settings, options: S3StoreOptions): S3Client =>
  new sdk.S3Client({
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

export function s3ImageStore(settings: S3Settings, options: S3StoreOptions = {}): ImageStore {
  let loading: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  const connect = () => (loading ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: newClient(sdk, settings, options) })));
  const Bucket = settings.bucket;
  const keyOf = (key: string) => `${settings.prefix}${key}`;

  return {
    kind: 's3',

    async put(key, bytes, contentType) {
      const { sdk, client } = await connect();
      await client.send(new sdk.PutObjectCommand({ Bucket, Key: keyOf(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
    },

    async get(key): Promise<StoredImage | undefined> {
      const { sdk, client } = await connect();
      try {
        const object = await client.send(new sdk.GetObjectCommand({ Bucket, Key: keyOf(key) }));
        if (!object.Body || object.ContentLength === undefined) throw new Error(`GetObject ${keyOf(key)} answered without a body or its length`);
        // In Node the body is the response's IncomingMessage.
        return { body: object.Body as Readable, contentType: object.ContentType ?? 'application/octet-stream', length: object.ContentLength };
      } catch (error) {
        if (isMissing(sdk, error)) return undefined;
        throw error;
      }
    },

    async delete(keys) {
      const { sdk, client } = await connect();
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const Objects = keys.slice(i, i + DELETE_BATCH).map((key) => ({ Key: keyOf(key) }));
        const answer = await client.send(new sdk.DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
        // S3 reports keys that were already gone as deleted; anything in Errors is a real failure.
        const failed = answer.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(`DeleteObjects could not delete ${failed.length} of ${Objects.length} objects (first: ${first.Key ?? '?'}: ${first.Code ?? '?'} ${first.Message ?? ''})`);
        }
      }
    },

    close: async () => {
      if (loading) (await loading).client.destroy();
    },
  };
}
