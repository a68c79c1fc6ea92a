import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../open-store.js';
import { migrateToLatest } from '../migrations/index.js';
import { precompiled } from './precompiled.js';
import { read, step, transact } from './work.js';

async function sqlite() {
  const { db, direct } = openDatabase({ sqlitePath: ':memory:' });
  await migrateToLatest(db as never, 'sqlite');
  assert.ok(direct, 'SQLite opens with its direct connection');
  const put = precompiled<{ name: string; value: string }>(db, (d, slot) => d.insertInto('settings').values({ name: slot('name'), value: slot('value') }));
  const get = precompiled<{ name: string }, { value: string }>(db, (d, slot) => d.selectFrom('settings').select('value').where('name', '=', slot('name')));
  return { db, direct, put, get };
}

test('a unit of work runs in one transaction on SQLite directly, and rolls back whole when it throws', async () => {
  const { db, direct, put, get } = await sqlite();
  const written = await transact(db, direct, function* () {
    yield* step(put, { name: 'a', value: '1' });
    const { rows } = yield* step(get, { name: 'a' });
    return rows;
  });
  assert.deepEqual(written, [{ value: '1' }], 'a statement sees the ones before it');
  await assert.rejects(
    transact(db, direct, function* () {
      yield* step(put, { name: 'b', value: '2' });
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.deepEqual(await read(db, direct, get, { name: 'b' }), [], 'the first statement was rolled back');
  assert.equal(direct.free, true, 'no transaction is left open');
  await db.destroy();
});

test('while a Kysely transaction is open across an await, work and reads go through Kysely and never join it', async () => {
  const { db, direct, put, get } = await sqlite();
  let resume!: () => void;
  const paused = new Promise<void>((resolve) => (resume = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const admin = db.transaction().execute(async (trx) => {
    await trx.insertInto('settings').values({ name: 'admin', value: 'x' }).execute();
    entered();
    await paused;
    throw new Error('the admin change is rolled back');
  });
  await inside;
  assert.equal(direct.free, false);
  // Queued behind the admin transaction; had it joined it, the rollback below would take it too.
  const work = transact(db, direct, function* () {
    yield* step(put, { name: 'generation', value: 'y' });
    return true;
  });
  const seen = read(db, direct, get, { name: 'admin' });
  resume();
  await assert.rejects(admin, /rolled back/);
  assert.equal(await work, true);
  assert.deepEqual(await seen, [], 'the read did not see the uncommitted admin row');
  assert.deepEqual(await read(db, direct, get, { name: 'generation' }), [{ value: 'y' }], 'the unit of work committed on its own');
  assert.deepEqual(await read(db, direct, get, { name: 'admin' }), []);
  await db.destroy();
});
