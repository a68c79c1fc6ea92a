/**
 * @module The S3 image store against the S3 simulator (test/simulators/s3/), which verifies every
 * request's SigV4 signature: a round trip under the prefix, batched deletes, S3's refusals of wrong
 * credentials, retried and final 500s, and a stalled bucket given up on in bounded time.
 */
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { startS3Simulator, type S3Simulator } from '../../test/simulators/s3/s3-simulator.js';
import type { S3Settings } from './image-config.js';
import { imageKey, type ImageStore } from './image-store.js';
import { s3ImageStore, type S3StoreOptions } from './s3-image-store.js';

let sim: S3Simulator;
const opened: ImageStore[] = [];
before(async () => {
  sim = await startS3Simulator();
});
beforeEach(() => {
  sim.faults.length = 0;
  sim.always = undefined;
  sim.objects.clear();
  sim.requests.length = 0;
});
after(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await sim.close();
});

function storeFor(overrides: Partial<S3Settings> = {}, options: S3StoreOptions = {}): ImageStore {
  const settings: S3Settings = {
    endpoint: sim.url,
    region: sim.keys.region,
    bucket: sim.bucket,
    prefix: 'station one/',
    credentials: { accessKeyId: sim.keys.accessKeyId, secretAccessKey: sim.keys.secretAccessKey },
    forcePathStyle: true,
    ...overrides,
  };
  // Frozen, as the configuration is: the store must not hand the SDK an object it then mutates.
  const store = s3ImageStore(Object.freeze({ ...settings, credentials: settings.credentials && Object.freeze({ ...settings.credentials }) }), options);
  opened.push(store);
  return store;
}

const KEY = imageKey('0123456789abcdef0123456789abcdef', Date.parse('2030-03-04T05:06:07Z'), 'png');
const BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]);

/** The S3 error code a call was refused with. */
async function refusedWith(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof Error, String(error));
    return error.name;
  }
  return assert.fail('the call should have been refused');
}

describe('S3 image store', () => {
  it('puts under the prefix with its content type, and reads back the same bytes', async () => {
    const store = storeFor();
    await store.put(KEY, BYTES, 'image/png');
    const object = sim.objects.get(`station one/${KEY}`);
    assert.ok(object, `stored as ${[...sim.objects.keys()].join(', ')}`);
    assert.deepEqual(object.body, BYTES);
    assert.equal(object.contentType, 'image/png');
    assert.deepEqual(sim.requests, [`PUT /${sim.bucket}/station%20one/${KEY}?x-id=PutObject`], 'path-style, the key URI-encoded');

    const stored = await store.get(KEY);
    assert.ok(stored);
    assert.equal(stored.contentType, 'image/png');
    assert.equal(stored.length, BYTES.length);
    assert.equal(await text(stored.body), BYTES.toString());
    assert.equal(await store.get('2030-03-04/ff/missing.png'), undefined, 'NoSuchKey is undefined, not an error');
  });

  it('deletes in batches of at most 1,000 keys; keys already gone are no error', async () => {
    const store = storeFor();
    await store.put(KEY, BYTES, 'image/png');
    const keys = [KEY, ...Array.from({ length: 1_000 }, (_, i) => `2030-03-04/00/gone-${i}.png`)];
    await store.delete(keys);
    assert.equal(sim.objects.size, 0);
    assert.equal(sim.requests.filter((r) => r.startsWith('POST ')).length, 2, '1,001 keys take two DeleteObjects calls');
    await store.delete([]);
    assert.equal(sim.requests.filter((r) => r.startsWith('POST ')).length, 2, 'nothing to delete, no call');
  });

  it('is refused as S3 refuses: a wrong secret (SignatureDoesNotMatch), an unknown key id (InvalidAccessKeyId), a wrong bucket', async () => {
    const wrongSecret = storeFor({ credentials: { accessKeyId: sim.keys.accessKeyId, secretAccessKey: 'not the secret' } }, { maxAttempts: 1 });
    assert.equal(await refusedWith(wrongSecret.put(KEY, BYTES, 'image/png')), 'SignatureDoesNotMatch');
    assert.equal(await refusedWith(wrongSecret.get(KEY)), 'SignatureDoesNotMatch');
    const unknownId = storeFor({ credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: sim.keys.secretAccessKey } }, { maxAttempts: 1 });
    assert.equal(await refusedWith(unknownId.put(KEY, BYTES, 'image/png')), 'InvalidAccessKeyId');
    assert.equal(await refusedWith(unknownId.delete([KEY])), 'InvalidAccessKeyId');
    assert.equal(await refusedWith(storeFor({ bucket: 'another-bucket' }, { maxAttempts: 1 }).put(KEY, BYTES, 'image/png')), 'NoSuchBucket');
    assert.equal(sim.objects.size, 0, 'nothing was stored');
  });

  it('retries a 500 and succeeds; with no attempts left, a 500 is an error', async () => {
    const store = storeFor();
    sim.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    await store.put(KEY, BYTES, 'image/png');
    assert.equal(sim.requests.length, 3, 'two failures, then the put');
    assert.ok(sim.objects.has(`station one/${KEY}`));

    sim.always = { kind: 'status', status: 500 };
    const error = await storeFor({}, { maxAttempts: 2 })
      .put(KEY, BYTES, 'image/png')
      .catch((e: unknown) => e);
    assert.ok(error instanceof S3ServiceException);
    assert.equal(error.name, 'InternalError');
    assert.equal(error.$metadata.httpStatusCode, 500);
  });

  it('gives up on a bucket that does not answer within the request timeout', async () => {
    sim.always = { kind: 'slow', ms: 30_000 };
    const started = Date.now();
    const error = await storeFor({}, { maxAttempts: 1, requestTimeoutMs: 300 })
      .put(KEY, BYTES, 'image/png')
      .catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.match(`${error.name} ${error.message}`, /timeout|timed out/i);
    assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
  });
});

describe('the S3 simulator', () => {
  it('refuses an unsigned request with S3 XML, and a missing key with NoSuchKey', async () => {
    const unsigned = await fetch(`${sim.url}/${sim.bucket}/${KEY}`);
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Error><Code>AccessDenied<\/Code>/);

    const client = new S3Client({
      region: sim.keys.region,
      endpoint: sim.url,
      forcePathStyle: true,
      credentials: { accessKeyId: sim.keys.accessKeyId, secretAccessKey: sim.keys.secretAccessKey },
      maxAttempts: 1,
    });
    try {
      const error = await client.send(new GetObjectCommand({ Bucket: sim.bucket, Key: 'no/such/key.png' })).catch((e: unknown) => e);
      assert.ok(error instanceof S3ServiceException);
      assert.deepEqual([error.name, error.$metadata.httpStatusCode], ['NoSuchKey', 404]);
    } finally {
      client.destroy();
    }
  });
});
