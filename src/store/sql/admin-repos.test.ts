/**
 * @module The admin repositories (operators, sessions, price overrides, key edits, the usage
 * window) on SQLite and, when DATABASE_URL is set, on PostgreSQL: the same SQL, the same answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshPostgresStore, postgresOrSkip } from '../../../test/helpers/postgres.js';
import { openStore } from '../open-store.js';
import { newKey } from '../store-suite.js';
import type { Store } from '../store.js';

const target = await postgresOrSkip();
const backends = [
  { name: 'SQLite', open: () => openStore({ sqlitePath: ':memory:' }), skip: undefined },
  { name: 'PostgreSQL', open: () => freshPostgresStore(target.url!), skip: target.skip },
];

for (const backend of backends) {
  describe(`admin repositories on ${backend.name}`, { skip: backend.skip }, () => {
    const withStore = (fn: (store: Store) => Promise<void>) => async () => {
      const store = await backend.open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };

    it(
      'operators: unique usernames, sorted list, removal ends their sessions',
      withStore(async (store) => {
        const bob = await store.operators.create({ username: 'bob', passwordHash: 'h1' });
        assert.ok(bob && /^op_/.test(bob.id));
        assert.equal(await store.operators.create({ username: 'bob', passwordHash: 'h2' }), undefined);
        await store.operators.create({ username: 'alice', passwordHash: 'h3' });
        assert.deepEqual((await store.operators.list()).map((o) => o.username), ['alice', 'bob']);
        assert.equal((await store.operators.findByUsername('bob'))?.passwordHash, 'h1');
        await store.sessions.create({ idHash: 's1', operatorId: bob.id, csrfToken: 'c1', createdAt: 1, expiresAt: 5_000 });
        assert.equal((await store.sessions.find('s1', 10))?.operator.username, 'bob');
        assert.equal(await store.operators.remove(bob.id), true);
        assert.equal(await store.sessions.find('s1', 10), undefined);
        assert.equal(await store.operators.remove(bob.id), false);
      }),
    );

    it(
      'sessions: found until they expire, removed one by one or when expired',
      withStore(async (store) => {
        const op = (await store.operators.create({ username: 'op', passwordHash: 'h' }))!;
        await store.sessions.create({ idHash: 'a', operatorId: op.id, csrfToken: 'ca', createdAt: 0, expiresAt: 1_000 });
        await store.sessions.create({ idHash: 'b', operatorId: op.id, csrfToken: 'cb', createdAt: 0, expiresAt: 2_000 });
        assert.deepEqual(await store.sessions.find('a', 999), { session: { idHash: 'a', operatorId: op.id, csrfToken: 'ca', createdAt: 0, expiresAt: 1_000 }, operator: op });
        assert.equal(await store.sessions.find('a', 1_000), undefined, 'expired at its expiry time');
        assert.equal(await store.sessions.removeExpired(1_500), 1);
        assert.equal(await store.sessions.remove('b'), true);
        assert.equal(await store.sessions.remove('b'), false);
      }),
    );

    it(
      'prices: upsert, list, remove; the revision moves on every change and only then',
      withStore(async (store) => {
        const r0 = await store.prices.revision();
        await store.prices.set('sd3-large', 7_125);
        await store.prices.set('core', 2_000);
        await store.prices.set('sd3-large', 7_000);
        const r1 = await store.prices.revision();
        assert.notEqual(r1, r0);
        assert.deepEqual((await store.prices.list()).map((p) => [p.model, p.price]), [['core', 2_000], ['sd3-large', 7_000]]);
        assert.equal(await store.prices.remove('ultra'), false);
        assert.equal(await store.prices.revision(), r1);
        assert.equal(await store.prices.remove('core'), true);
        assert.notEqual(await store.prices.revision(), r1);
        await assert.rejects(store.prices.set('core', -1), 'the CHECK keeps prices non-negative');
      }),
    );

    it(
      'key edits: each field set and cleared; balances untouched; unknown keys undefined',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 5_000 }));
        const edited = await store.keyEdits.update(key.id, { name: 'n', cap: 9_000, rateLimit: { points: 3, windowSeconds: 60 }, models: ['core'], expiresAt: 77 });
        assert.deepEqual([edited?.name, edited?.cap, edited?.rateLimit, edited?.models, edited?.expiresAt, edited?.balance], ['n', 9_000, { points: 3, windowSeconds: 60 }, ['core'], 77, 5_000]);
        const cleared = await store.keyEdits.update(key.id, { cap: null, rateLimit: null, models: null, expiresAt: null });
        assert.deepEqual([cleared?.name, cleared?.cap, cleared?.rateLimit, cleared?.models, cleared?.expiresAt], ['n', null, null, null, null]);
        assert.deepEqual(await store.keyEdits.update(key.id, {}), cleared);
        assert.equal(await store.keyEdits.update('key_none', { name: 'x' }), undefined);
      }),
    );

    it(
      'the usage window is since <= created_at < until, capped',
      withStore(async (store) => {
        for (const at of [999, 1_000, 1_500, 2_000]) {
          await store.usage.insert({
            requestId: `r${at}`, keyId: null, endpoint: 'sd3', model: null, status: 200, errorName: null, channel: null, credits: 1, latencyMs: 5,
            ip: '::1', clientId: null, clientUserId: null, clientVersion: null, createdAt: at, attempts: [{ channel: 'c', status: 200, outcome: 'ok', latencyMs: 4 }],
          });
        }
        const rows = await store.usageReports.window(1_000, 2_000, 10);
        assert.deepEqual(rows.map((r) => r.createdAt), [1_000, 1_500]);
        assert.deepEqual(rows[0], { createdAt: 1_000, status: 200, credits: 1, latencyMs: 5, attempts: [{ channel: 'c', status: 200, outcome: 'ok', latencyMs: 4 }] });
        assert.equal((await store.usageReports.window(0, 5_000, 3)).length, 3);
      }),
    );
  });
}
