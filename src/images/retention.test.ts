/**
 * @module The retention sweep on a clock the test sets: exactly the images older than the
 * retention leave the image store and the database, on a disk and on S3 (the simulator); sweeps
 * racing each other are harmless; a failed delete keeps the rows for the next sweep; 0 keeps all.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startS3Simulator, type S3Simulator } from '../../test/simulators/s3/s3-simulator.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { diskImageStore } from './disk-image-store.js';
import { imageKey, type ImageStore } from './image-store.js';
import { keepImage } from './keep-image.js';
import { DAY_MS, startImageSweeper, sweepImages } from './retention.js';
import { s3ImageStore } from './s3-image-store.js';

const NOW = Date.parse('2030-06-15T12:00:00Z');
const RETENTION_DAYS = 7;
const CUTOFF = NOW - RETENTION_DAYS * DAY_MS;
/** Request id → age: two past the retention, one exactly at it (kept: only older goes), two younger. */
const AGES: Record<string, number> = {
  aa000000000000000000000000000001: 30 * DAY_MS,
  bb000000000000000000000000000002: RETENTION_DAYS * DAY_MS + 1,
  cc000000000000000000000000000003: RETENTION_DAYS * DAY_MS,
  dd000000000000000000000000000004: DAY_MS,
  ee000000000000000000000000000005: 0,
};
const OLD = ['aa000000000000000000000000000001', 'bb000000000000000000000000000002'];

const cleanups: (() => Promise<unknown>)[] = [];
after(() => Promise.all(cleanups.map((clean) => clean())));

let sim: S3Simulator | undefined;
const backends: Record<string, () => Promise<ImageStore>> = {
  disk: async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aigate-retention-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return diskImageStore(dir);
  },
  s3: async () => {
    if (!sim) {
      const started = await startS3Simulator();
      sim = started;
      cleanups.push(() => started.close());
    }
    const store = s3ImageStore({ endpoint: sim.url, region: sim.keys.region, bucket: sim.bucket, prefix: `${Math.random().toString(36).slice(2)}/`, credentials: sim.keys, forcePathStyle: true });
    cleanups.push(() => store.close());
    return store;
  },
};

/** A store and an image store holding one image per AGES entry. */
async function seeded(open: () => Promise<ImageStore>): Promise<{ store: Store; images: ImageStore; keys: Map<string, string> }> {
  const store = await openStore({ sqlitePath: ':memory:' });
  cleanups.push(() => store.close());
  const images = await open();
  const keys = new Map<string, string>();
  for (const [id, age] of Object.entries(AGES)) {
    const record = await keepImage({ store, images }, id, { bytes: Buffer.from(id), format: 'png' }, NOW - age);
    keys.set(id, record!.key);
  }
  return { store, images, keys };
}

const kept = async (store: Store, images: ImageStore, keys: Map<string, string>) => {
  const ids: string[] = [];
  for (const [id, key] of keys) {
    const row = await store.images.find(id);
    const object = await images.get(key);
    object?.body.destroy();
    assert.equal(row !== undefined, object !== undefined, `${id}: row and object go together`);
    if (row) ids.push(id);
  }
  return ids;
};

for (const [backend, open] of Object.entries(backends)) {
  describe(`image retention on ${backend}`, () => {
    it('deletes exactly the images older than the retention, objects and rows, over several rounds', async () => {
      const { store, images, keys } = await seeded(open);
      const result = await sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW, batch: 1 });
      assert.equal(result.removed, 2);
      assert.deepEqual(await kept(store, images, keys), Object.keys(AGES).filter((id) => !OLD.includes(id)));
      assert.deepEqual(await sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW }), { removed: 0, daysDropped: 0 }, 'a second sweep finds nothing');
      // A day later the image that was exactly at the limit is past it.
      assert.equal((await sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW + DAY_MS })).removed, 1);
    });

    it('keeps everything with a retention of 0', async () => {
      const { store, images, keys } = await seeded(open);
      assert.deepEqual(await sweepImages({ store, images, retentionDays: 0, now: () => NOW + 10_000 * DAY_MS }), { removed: 0, daysDropped: 0 });
      assert.equal((await kept(store, images, keys)).length, Object.keys(AGES).length);
    });

    it('sweeps racing each other (replicas) are harmless: each old image goes once, the rest stay', async () => {
      const { store, images, keys } = await seeded(open);
      const results = await Promise.all([1, 2, 3].map(() => sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW, batch: 1 })));
      assert.equal(results.reduce((sum, r) => sum + r.removed, 0), 2, JSON.stringify(results));
      assert.deepEqual(await kept(store, images, keys), Object.keys(AGES).filter((id) => !OLD.includes(id)));
    });

    it('keeps the rows when their objects cannot be deleted, for the next sweep', async () => {
      const { store, images, keys } = await seeded(open);
      const broken: ImageStore = { ...images, delete: () => Promise.reject(new Error('the store is down')) };
      await assert.rejects(sweepImages({ store, images: broken, retentionDays: RETENTION_DAYS, now: () => NOW }), /the store is down/);
      assert.equal((await kept(store, images, keys)).length, Object.keys(AGES).length);
      assert.equal((await sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW })).removed, 2);
    });
  });
}

describe('image retention on a disk per replica', () => {
  it("drops whole past days, so images whose rows another replica's sweep removed do not linger", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aigate-retention-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = await openStore({ sqlitePath: ':memory:' });
    cleanups.push(() => store.close());
    const images = diskImageStore(dir);
    // Kept on this disk, but the row is gone: another replica swept it and could not reach this file.
    await images.put(imageKey('ab01', CUTOFF - 2 * DAY_MS, 'png'), Buffer.from('orphan'), 'image/png');
    await images.put(imageKey('ab02', NOW, 'png'), Buffer.from('today'), 'image/png');
    const result = await sweepImages({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW });
    assert.deepEqual(result, { removed: 0, daysDropped: 1 });
    assert.deepEqual(await readdir(dir), ['2030-06-15']);
  });
});

describe('the image sweeper', () => {
  it('sweeps at once when started, logs what it deleted, and stop() waits for a sweep under way', async () => {
    const { store, images } = await seeded(backends.disk!);
    const lines: [string, object][] = [];
    const log = { info: (fields: object, message: string) => lines.push([message, fields]), error: (fields: object, message: string) => lines.push([message, fields]) };
    const sweeper = startImageSweeper({ store, images, retentionDays: RETENTION_DAYS, now: () => NOW, intervalMs: 3_600_000, log });
    await sweeper.stop();
    assert.deepEqual(lines, [['deleted images past their retention', { removed: 2, daysDropped: 1, retentionDays: RETENTION_DAYS }]]);
    assert.deepEqual((await store.images.olderThan(NOW + 1, 10)).length, 3);
  });

  it('logs a failed sweep without the error object an SDK would attach', async () => {
    const { store, images } = await seeded(backends.disk!);
    const lines: [string, Record<string, unknown>][] = [];
    const failing: ImageStore = { ...images, delete: () => Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $response: { headers: { authorization: 'secret' } } })) };
    const log = { info: () => assert.fail('nothing was deleted'), error: (fields: object, message: string) => lines.push([message, fields as Record<string, unknown>]) };
    await startImageSweeper({ store, images: failing, retentionDays: RETENTION_DAYS, now: () => NOW, intervalMs: 3_600_000, log }).stop();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]![0], 'could not sweep images past their retention');
    assert.deepEqual(lines[0]![1].failure, { type: 'AccessDenied', message: 'Access Denied', code: undefined, status: undefined });
    assert.ok(!JSON.stringify(lines).includes('secret'));
  });
});
