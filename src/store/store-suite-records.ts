/**
 * @module The Store contract's record-keeping half: banned words, the usage log and settings.
 * Called by runStoreSuite (store-suite.ts) with the same fresh-store-per-test wrapper.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store, UsageRow } from './store.js';
import { newKey } from './store-suite.js';

function usageRow(overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    attempts: [],
    requestId: randomBytes(16).toString('hex'),
    keyId: null,
    endpoint: 'sd3',
    model: 'sd3-large',
    status: 200,
    errorName: null,
    channel: 'test',
    credits: 6500,
    latencyMs: 12,
    ip: '127.0.0.1',
    clientId: null,
    clientUserId: null,
    clientVersion: null,
    createdAt: 1_000,
    ...overrides,
  };
}

export function recordSuites(name: string, withStore: (fn: (store: Store) => Promise<void>) => () => Promise<void>): void {
  describe(`${name}: banned words`, () => {
    it(
      'adds, removes and lists words; the revision moves only on a real change',
      withStore(async (store) => {
        const words = store.bannedWords;
        assert.deepEqual(await words.list(), []);
        const r0 = await words.revision();

        assert.equal(await words.add('zebra'), true);
        const r1 = await words.revision();
        assert.notEqual(r1, r0);

        assert.equal(await words.add('apple pie'), true);
        const r2 = await words.revision();
        assert.notEqual(r2, r1);
        assert.deepEqual(await words.list(), ['apple pie', 'zebra']);

        assert.equal(await words.add('zebra'), false, 'a duplicate is not added');
        assert.equal(await words.revision(), r2, 'a duplicate add keeps the revision');
        assert.equal(await words.remove('nothing'), false, 'removing an absent word');
        assert.equal(await words.revision(), r2, 'a no-op remove keeps the revision');

        assert.equal(await words.remove('zebra'), true);
        const r3 = await words.revision();
        assert.notEqual(r3, r2);
        assert.deepEqual(await words.list(), ['apple pie']);
        assert.equal(new Set([r0, r1, r2, r3]).size, 4, 'every change gives a new revision');
      }),
    );
  });

  describe(`${name}: usage`, () => {
    it(
      'round-trips a row with every field',
      withStore(async (store) => {
        const key = await store.keys.create(newKey());
        const row = usageRow({
          keyId: key.id,
          status: 402,
          errorName: 'payment_required',
          credits: 0,
          clientId: 'comfy',
          clientUserId: 'u1',
          clientVersion: '1.2',
          ip: '10.0.0.9',
          latencyMs: 345,
          createdAt: 1_700_000_000_000,
        });
        await store.usage.insert(row);
        assert.deepEqual(await store.usage.query({ limit: 10 }), [row]);
      }),
    );

    it(
      'filters by key and since, and returns newest first up to the limit',
      withStore(async (store) => {
        const a = await store.keys.create(newKey());
        const b = await store.keys.create(newKey());
        for (let i = 1; i <= 5; i++) await store.usage.insert(usageRow({ requestId: `a${i}`, keyId: a.id, createdAt: i * 1_000 }));
        await store.usage.insert(usageRow({ requestId: 'b1', keyId: b.id, createdAt: 2_500 }));
        await store.usage.insert(usageRow({ requestId: 'anon', keyId: null, status: 401, errorName: 'unauthorized', createdAt: 6_000 }));

        const ids = (rows: UsageRow[]) => rows.map((r) => r.requestId);
        assert.deepEqual(ids(await store.usage.query({ limit: 100 })), ['anon', 'b1', 'a5', 'a4', 'a3', 'a2', 'a1']);
        assert.deepEqual(ids(await store.usage.query({ keyId: a.id, limit: 100 })), ['a5', 'a4', 'a3', 'a2', 'a1']);
        assert.deepEqual(ids(await store.usage.query({ keyId: a.id, limit: 2 })), ['a5', 'a4']);
        assert.deepEqual(ids(await store.usage.query({ since: 3_000, limit: 100 })), ['anon', 'a5', 'a4', 'a3']);
        assert.deepEqual(ids(await store.usage.query({ keyId: a.id, since: 2_000, limit: 3 })), ['a5', 'a4', 'a3']);
        assert.deepEqual(ids(await store.usage.query({ keyId: b.id, since: 3_000, limit: 10 })), []);
      }),
    );
  });

  describe(`${name}: settings`, () => {
    it(
      'sets a value only once',
      withStore(async (store) => {
        assert.equal(await store.settings.get('admin_token_hash'), undefined);
        assert.equal(await store.settings.setIfAbsent('admin_token_hash', 'first'), true);
        assert.equal(await store.settings.setIfAbsent('admin_token_hash', 'second'), false);
        assert.equal(await store.settings.get('admin_token_hash'), 'first');
        assert.equal(await store.settings.setIfAbsent('other', 'x'), true);
        assert.equal(await store.settings.get('other'), 'x');
      }),
    );
  });
}
