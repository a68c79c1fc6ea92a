/**
 * @module The Store contract for settled-credit changes: top-ups and removals with their ledger
 * rows, removals never below what is spendable, idempotent changes under racing retries (migration
 * 005), and the ledger paged newest first. Called by runStoreSuite (store-suite.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from './store.js';
import { assertLedgerConsistent, holdFor, holdId, newKey } from './store-suite.js';

export function adjustSuites(name: string, withStore: (fn: (store: Store) => Promise<void>) => () => Promise<void>): void {
  describe(`${name}: adjust`, () => {
    it(
      'tops up with a topup ledger row and returns the new balance',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 1_000 }));
        assert.equal(await store.credits.adjust(key.id, 2_500, 'topup', 'invoice 7'), 3_500);
        const ledger = await store.credits.ledger(key.id);
        assert.equal(ledger.length, 2);
        assert.deepEqual(
          { kind: ledger[1]!.kind, amount: ledger[1]!.amount, balanceAfter: ledger[1]!.balanceAfter, note: ledger[1]!.note, ref: ledger[1]!.ref },
          { kind: 'topup', amount: 2_500, balanceAfter: 3_500, note: 'invoice 7', ref: null },
        );
        assert.equal((await store.keys.get(key.id))?.balance, 3_500);
        await assertLedgerConsistent(store, key.id);
      }),
    );

    it(
      'removes credits within the spendable balance (balance - held)',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 10_000 }));
        holdId(await holdFor(store, key.id, 4_000));
        assert.equal(await store.credits.adjust(key.id, -6_000, 'adjust', 'refund'), 4_000);
        const ledger = await store.credits.ledger(key.id);
        assert.equal(ledger.length, 2);
        assert.equal(ledger[1]!.kind, 'adjust');
        assert.equal(ledger[1]!.amount, -6_000);
        assert.equal(ledger[1]!.balanceAfter, 4_000);
        const after = await assertLedgerConsistent(store, key.id);
        assert.equal(after.balance, 4_000);
        assert.equal(after.held, 4_000);
      }),
    );

    it(
      'refuses a removal larger than the spendable balance and writes nothing',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 10_000 }));
        holdId(await holdFor(store, key.id, 4_000));
        // 6.001 credits is one milli-credit more than balance - held.
        assert.equal(await store.credits.adjust(key.id, -6_001, 'adjust', 'too much'), undefined);
        assert.equal(await store.credits.adjust(key.id, -20_000, 'adjust', 'far too much'), undefined);
        const after = await store.keys.get(key.id);
        assert.equal(after?.balance, 10_000);
        assert.equal(after?.held, 4_000);
        assert.equal((await store.credits.ledger(key.id)).length, 1);
      }),
    );

    it(
      'returns undefined for a missing key and writes nothing',
      withStore(async (store) => {
        assert.equal(await store.credits.adjust('key_nobody', 1_000, 'topup', null), undefined);
        assert.deepEqual(await store.credits.ledger('key_nobody'), []);
      }),
    );

    it(
      'applies a change with an idempotency key once, even when the retries race',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 1_000 }));
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.credits.adjustOnce(key.id, 2_000, 'topup', 'x', 'idem-1')));
        assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['applied', ...Array<string>(7).fill('replayed')]);
        for (const o of outcomes) assert.equal('balanceAfter' in o && o.balanceAfter, 3_000);
        assert.deepEqual(await store.credits.adjustOnce(key.id, 2_500, 'topup', 'x', 'idem-1'), { outcome: 'conflict' });
        assert.deepEqual(await store.credits.adjustOnce(key.id, -9_000, 'adjust', null, 'idem-2'), { outcome: 'refused' });
        assert.deepEqual(await store.credits.adjustOnce('key_nobody', 1_000, 'topup', null, 'idem-3'), { outcome: 'refused' });
        const ledger = await store.credits.ledger(key.id);
        assert.deepEqual(ledger.map((e) => e.amount), [1_000, 2_000]);
        assert.equal((await store.keys.get(key.id))!.balance, 3_000);
        // A refused change wrote no row, so its key is still free for a change that fits.
        assert.equal((await store.credits.adjustOnce(key.id, -1_000, 'adjust', null, 'idem-2')).outcome, 'applied');
      }),
    );

    it(
      'pages the ledger newest first below a row id',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 1_000 }));
        for (const note of ['b', 'c', 'd']) await store.credits.adjust(key.id, 1_000, 'topup', note);
        const newest = await store.credits.ledgerPage(key.id, { limit: 2 });
        assert.deepEqual(newest.map((e) => e.note), ['d', 'c']);
        const older = await store.credits.ledgerPage(key.id, { beforeId: newest[1]!.id, limit: 5 });
        assert.deepEqual(older.map((e) => e.kind), ['topup', 'grant']);
        assert.deepEqual(await store.credits.ledgerPage('key_nobody', { limit: 5 }), []);
      }),
    );
  });
}
