/**
 * @module The Store contract suite on PostgreSQL (the same cases as SQLite), each test in a fresh
 * schema, plus the case PostgreSQL exists for: two replicas, each with its own pool, competing
 * for one key. Skipped without DATABASE_URL, failed without it under REQUIRE_SERVICES=1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSchema, dropSchema, freshPostgresStore, openSchemaStore, postgresOrSkip } from '../../../test/helpers/postgres.js';
import { assertLedgerConsistent, newKey, runStoreSuite } from '../store-suite.js';
import type { HoldOutcome, Store } from '../store.js';

const target = await postgresOrSkip();

if (target.skip !== undefined) {
  it('PostgreSQL store', { skip: target.skip }, () => undefined);
} else {
  const url = target.url;
  runStoreSuite(() => freshPostgresStore(url), 'PostgreSQL');

  describe('two replicas on one PostgreSQL schema', () => {
    const price = 6_500;
    const affordable = 60;

    it(`200 concurrent holds from two pools: exactly the ${affordable} affordable ones succeed`, async (t) => {
      const schema = await createSchema(url);
      const stores: Store[] = [];
      try {
        stores.push(await openSchemaStore(url, schema));
        // The second replica only checks the schema, as a station does at start-up.
        stores.push(await openSchemaStore(url, schema, { migrate: 'check' }));
        const [a, b] = stores as [Store, Store];
        const key = await a.keys.create(newKey({ credits: affordable * price }));

        // All 200 are in flight at once, alternating replicas; each pool queues past its 20 connections.
        const attempts = Array.from({ length: 200 }, (_, i) => {
          const store = i % 2 === 0 ? a : b;
          return store.credits.hold(key.id, price, `req-${i}`, Date.now() + 900_000).then((outcome) => ({ store, outcome }));
        });
        const results = await Promise.all(attempts);
        const won = results.filter((r): r is { store: Store; outcome: Extract<HoldOutcome, { ok: true }> } => r.outcome.ok);
        const perReplica = [a, b].map((s) => won.filter((r) => r.store === s).length);
        t.diagnostic(`holds won per replica: ${perReplica.join(' + ')}`);
        assert.equal(won.length, affordable);
        for (const r of results) if (!r.outcome.ok) assert.equal(r.outcome.reason, 'insufficient_balance');

        const during = await assertLedgerConsistent(b, key.id, 'while held');
        assert.equal(during.balance, affordable * price);
        assert.equal(during.held, affordable * price);
        assert.equal(during.balance - during.held, 0);
        assert.equal(await a.credits.openHolds(key.id), affordable);
        assert.deepEqual(await b.credits.hold(key.id, 1, 'req-one-more', Date.now() + 900_000), { ok: false, reason: 'insufficient_balance' });

        // Each replica captures the holds it won, both at once.
        const captured = await Promise.all(won.map((r) => r.store.credits.capture(r.outcome.holdId)));
        assert.ok(captured.every(Boolean));
        const settled = await assertLedgerConsistent(a, key.id, 'after capture');
        assert.equal(settled.balance, 0);
        assert.equal(settled.held, 0);
        assert.equal(settled.spent, affordable * price);
        const charges = (await b.credits.ledger(key.id)).filter((e) => e.kind === 'charge');
        assert.equal(charges.length, affordable);
        assert.ok(charges.every((c) => c.amount === -price));
        assert.equal(await b.credits.openHolds(), 0);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(url, schema);
      }
    });

    it('changes by one replica, revisions included, are seen by the other', async () => {
      const schema = await createSchema(url);
      const stores: Store[] = [];
      try {
        stores.push(await openSchemaStore(url, schema), await openSchemaStore(url, schema, { migrate: 'check' }));
        const [a, b] = stores as [Store, Store];
        const before = await b.channels.revision();
        await a.bannedWords.add('fox');
        const r1 = await b.bannedWords.revision();
        await a.channels.update('ch_sandbox', { weight: 3 });
        assert.notEqual(await b.channels.revision(), before);
        assert.equal((await b.channels.find('sandbox'))?.weight, 3);
        assert.deepEqual(await b.bannedWords.list(), ['fox']);
        await b.bannedWords.remove('fox');
        assert.notEqual(await a.bannedWords.revision(), r1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(url, schema);
      }
    });
  });
}
