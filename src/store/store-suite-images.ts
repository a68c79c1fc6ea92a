/**
 * @module The Store contract for kept images (migration 004): rows recorded once, found, listed
 * oldest first for the retention sweep, removed idempotently (replicas may sweep the same rows at
 * once), and shown on the admin usage log's rows. Called by runStoreSuite (store-suite.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageRecord, Store, UsageRow } from './store.js';

const image = (requestId: string, createdAt: number, overrides: Partial<ImageRecord> = {}): ImageRecord => ({
  requestId,
  key: `2030-01-01/${requestId.slice(0, 2)}/${requestId}.png`,
  contentType: 'image/png',
  bytes: 1234,
  createdAt,
  ...overrides,
});

const usage = (requestId: string, status: number): UsageRow => ({
  requestId, status, keyId: null, endpoint: 'sd3', model: 'sd3-large', errorName: status === 200 ? null : 'upstream_error', channel: 'test',
  credits: status === 200 ? 6_500 : 0, latencyMs: 10, ip: '127.0.0.1', clientId: null, clientUserId: null, clientVersion: null, createdAt: 1_000, attempts: [],
});

export function imageSuites(name: string, withStore: (fn: (store: Store) => Promise<void>) => () => Promise<void>): void {
  describe(`${name}: images`, () => {
    it(
      'records an image once and finds it; a second record for the request keeps the first',
      withStore(async (store) => {
        const first = image('req-a', 1_700_000_000_000, { contentType: 'image/webp', key: '2023-11-14/re/req-a.webp', bytes: 98_765 });
        assert.equal(await store.images.record(first), true);
        assert.deepEqual(await store.images.find('req-a'), first);
        assert.equal(await store.images.record({ ...first, key: 'other.png', createdAt: 5 }), false);
        assert.deepEqual(await store.images.find('req-a'), first);
        assert.equal(await store.images.find('req-nobody'), undefined);
      }),
    );

    it(
      'lists images created strictly before a time, oldest first (ties by request id), up to a limit',
      withStore(async (store) => {
        for (const [id, at] of [['e', 500], ['b', 100], ['d', 300], ['a', 300], ['c', 200], ['f', 600]] as const) await store.images.record(image(id, at));
        const ids = (rows: ImageRecord[]) => rows.map((r) => r.requestId);
        assert.deepEqual(ids(await store.images.olderThan(500, 100)), ['b', 'c', 'a', 'd']);
        assert.deepEqual(ids(await store.images.olderThan(500, 2)), ['b', 'c']);
        assert.deepEqual(ids(await store.images.olderThan(100, 100)), [], 'strictly before');
        assert.deepEqual(ids(await store.images.olderThan(10_000, 100)), ['b', 'c', 'a', 'd', 'e', 'f']);
      }),
    );

    it(
      'removes rows idempotently: two sweeps removing the same rows at once delete each row once',
      withStore(async (store) => {
        for (const id of ['a', 'b', 'c', 'd']) await store.images.record(image(id, 100));
        assert.equal(await store.images.remove([]), 0);
        const [one, two] = await Promise.all([store.images.remove(['a', 'b', 'c']), store.images.remove(['a', 'b', 'c', 'x'])]);
        assert.equal(one + two, 3, `each row deleted once (${one} + ${two})`);
        assert.equal(await store.images.remove(['a']), 0);
        assert.deepEqual((await store.images.olderThan(1_000, 10)).map((r) => r.requestId), ['d']);
      }),
    );

    it(
      "tells the admin usage log which rows' images are kept",
      withStore(async (store) => {
        for (const [id, status] of [['kept', 200], ['swept', 200], ['failed', 502]] as const) await store.usage.insert(usage(id, status));
        await store.images.record(image('kept', 100));
        await store.images.record(image('swept', 100));
        await store.images.remove(['swept']);
        const page = await store.usageReports.page({ limit: 10 });
        assert.deepEqual(page.map((r) => [r.requestId, r.hasImage]), [['failed', false], ['swept', false], ['kept', true]]);
        const filtered = await store.usageReports.page({ limit: 10, status: { min: 200, max: 200 }, since: 1_000, until: 1_001 });
        assert.deepEqual(filtered.map((r) => [r.requestId, r.hasImage]), [['swept', false], ['kept', true]], 'filters still apply to the usage rows');
        // The plain query (the CLI's) is unchanged: no image field.
        assert.deepEqual(Object.keys((await store.usage.query({ limit: 1 }))[0]!).sort(), Object.keys(usage('x', 200)).sort());
      }),
    );
  });
}
