/**
 * @module Keeping a delivered image: the row first, then the object; a failed put takes both back;
 * a request keeps one image; and a stalled store holds at most `maxPending` images in memory,
 * dropping the rest at once instead of queueing them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../store/open-store.js';
import type { ImageStore } from './image-store.js';
import { ImageBacklogError, imageKeeper, keepImage } from './keep-image.js';

const AT = Date.parse('2030-01-02T03:04:05Z');
const IMAGE = { bytes: Buffer.from('png bytes'), format: 'png' as const };

/** An image store that records calls; with `hold`, each put waits for `release()`, and `started(n)` resolves once n puts wait. */
function recordingStore(options: { failPut?: boolean; hold?: boolean } = {}) {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const watchers: { n: number; resolve: () => void }[] = [];
  const store: ImageStore = {
    kind: 'test',
    async put(key) {
      calls.push(`put ${key}`);
      if (options.hold) {
        const held = new Promise<void>((resolve) => waiting.push(resolve));
        for (const w of watchers.filter((w) => waiting.length >= w.n)) w.resolve();
        await held;
      }
      if (options.failPut) throw new Error('the disk is full');
    },
    get: async () => undefined,
    async delete(keys) {
      calls.push(`delete ${keys.join(',')}`);
    },
    close: async () => {},
  };
  return {
    store,
    calls,
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
    started: (n: number) => (waiting.length >= n ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ n, resolve }))),
  };
}

describe('keeping an image', () => {
  it('stores the object under <day>/<shard>/<id>.<ext>, then records its row', async () => {
    const db = await openStore({ sqlitePath: ':memory:' });
    try {
      const images = recordingStore();
      const record = await keepImage({ store: db, images: images.store }, 'abcdef', IMAGE, AT);
      assert.deepEqual(record, { requestId: 'abcdef', key: '2030-01-02/ab/abcdef.png', contentType: 'image/png', bytes: IMAGE.bytes.length, createdAt: AT });
      assert.deepEqual(await db.images.find('abcdef'), record);
      assert.deepEqual(images.calls, ['put 2030-01-02/ab/abcdef.png']);
      assert.equal(await keepImage({ store: db, images: images.store }, 'abcdef', IMAGE, AT + 1), undefined, 'a request keeps one image');
      assert.equal(images.calls.length, 1);
    } finally {
      await db.close();
    }
  });

  it('records no row, and tries to delete the object, when the put fails', async () => {
    const db = await openStore({ sqlitePath: ':memory:' });
    try {
      const images = recordingStore({ failPut: true });
      await assert.rejects(keepImage({ store: db, images: images.store }, 'abcdef', IMAGE, AT), /the disk is full/);
      assert.equal(await db.images.find('abcdef'), undefined);
      assert.deepEqual(images.calls, ['put 2030-01-02/ab/abcdef.png', 'delete 2030-01-02/ab/abcdef.png']);
    } finally {
      await db.close();
    }
  });

  it('holds at most maxPending images while the store stalls, and drops the rest at once', async () => {
    const db = await openStore({ sqlitePath: ':memory:' });
    const images = recordingStore({ hold: true });
    try {
      const keeper = imageKeeper({ store: db, images: images.store }, 2);
      const first = keeper.keep('aa01', IMAGE, AT);
      const second = keeper.keep('aa02', IMAGE, AT);
      await assert.rejects(keeper.keep('aa03', IMAGE, AT), (error: unknown) => error instanceof ImageBacklogError && error.pending === 2);
      assert.equal(await db.images.find('aa03'), undefined, 'a dropped image leaves no row');
      await images.started(2);
      images.release();
      assert.equal((await first)?.requestId, 'aa01');
      assert.equal((await second)?.requestId, 'aa02');
      // With the backlog gone, the next image is kept again.
      const next = keeper.keep('aa04', IMAGE, AT);
      await images.started(1);
      images.release();
      assert.equal((await next)?.requestId, 'aa04');
      assert.deepEqual(images.calls.map((c) => c.split('/').pop()), ['aa01.png', 'aa02.png', 'aa04.png']);
    } finally {
      images.release();
      await db.close();
    }
  });
});
