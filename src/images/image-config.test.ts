/** @module The image settings as loadConfig reads them: defaults, each store, and every problem named by its variable. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config/config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  return assert.fail(`${JSON.stringify(env)} should not load`);
}

describe('image settings', () => {
  it('default to a disk store under <data>/images, kept 7 days', () => {
    assert.deepEqual(loadConfig({}).images, { store: 'disk', retentionDays: 7, dir: path.resolve('./data/images') });
    assert.deepEqual(loadConfig({ AIGATE_DATA_DIR: '/srv/aigate', AIGATE_IMAGE_RETENTION_DAYS: '0' }).images, { store: 'disk', retentionDays: 0, dir: '/srv/aigate/images' });
    assert.deepEqual(loadConfig({ AIGATE_IMAGE_DIR: '/mnt/shared/images' }).images, { store: 'disk', retentionDays: 7, dir: '/mnt/shared/images' });
    assert.deepEqual(loadConfig({ AIGATE_IMAGE_STORE: 'off', AIGATE_S3_BUCKET: 'ignored' }).images, { store: 'off', retentionDays: 7 });
  });

  it('reads an S3 store, frozen, with the region and prefix defaults', () => {
    const config = loadConfig({
      AIGATE_IMAGE_STORE: 's3',
      AIGATE_S3_ENDPOINT: 'http://minio:9000',
      AIGATE_S3_BUCKET: 'aigate-images',
      AIGATE_S3_ACCESS_KEY_ID: 'id',
      AIGATE_S3_SECRET_ACCESS_KEY: 'secret',
      AIGATE_S3_FORCE_PATH_STYLE: 'true',
    });
    assert.deepEqual(config.images, {
      store: 's3',
      retentionDays: 7,
      s3: { endpoint: 'http://minio:9000', region: 'us-east-1', bucket: 'aigate-images', prefix: '', credentials: { accessKeyId: 'id', secretAccessKey: 'secret' }, forcePathStyle: true },
    });
    assert.ok(Object.isFrozen(config.images) && config.images.store === 's3' && Object.isFrozen(config.images.s3.credentials));
    const aws = loadConfig({ AIGATE_IMAGE_STORE: 's3', AIGATE_S3_BUCKET: 'b-1', AIGATE_S3_REGION: 'eu-west-3', AIGATE_S3_PREFIX: 'station/' }).images;
    assert.ok(aws.store === 's3');
    assert.deepEqual([aws.s3.endpoint, aws.s3.region, aws.s3.prefix, aws.s3.credentials, aws.s3.forcePathStyle], [undefined, 'eu-west-3', 'station/', undefined, false]);
  });

  it('names the variable of every problem', () => {
    assert.deepEqual(problemsOf({ AIGATE_IMAGE_STORE: 's3' }), ['AIGATE_S3_BUCKET: is required with AIGATE_IMAGE_STORE=s3']);
    assert.deepEqual(problemsOf({ AIGATE_IMAGE_STORE: 's3', AIGATE_S3_BUCKET: 'b-1', AIGATE_S3_ACCESS_KEY_ID: 'id' }), [
      'AIGATE_S3_SECRET_ACCESS_KEY: is required with AIGATE_S3_ACCESS_KEY_ID',
    ]);
    assert.deepEqual(problemsOf({ AIGATE_IMAGE_STORE: 's3', AIGATE_S3_BUCKET: 'b-1', AIGATE_S3_SECRET_ACCESS_KEY: 'secret' }), [
      'AIGATE_S3_ACCESS_KEY_ID: is required with AIGATE_S3_SECRET_ACCESS_KEY',
    ]);
    const problems = problemsOf({
      AIGATE_IMAGE_STORE: 'ftp',
      AIGATE_IMAGE_RETENTION_DAYS: '-1',
      AIGATE_S3_ENDPOINT: 'minio:9000',
      AIGATE_S3_BUCKET: 'Not_A_Bucket',
      AIGATE_S3_PREFIX: '/leading',
      AIGATE_S3_FORCE_PATH_STYLE: 'maybe',
    });
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'AIGATE_IMAGE_RETENTION_DAYS',
      'AIGATE_IMAGE_STORE',
      'AIGATE_S3_BUCKET',
      'AIGATE_S3_ENDPOINT',
      'AIGATE_S3_FORCE_PATH_STYLE',
      'AIGATE_S3_PREFIX',
    ]);
    assert.ok(problems.every((p) => !p.includes('secret')));
  });
});
