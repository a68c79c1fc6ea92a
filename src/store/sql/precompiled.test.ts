import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../open-store.js';
import { migrateToLatest } from '../migrations/index.js';
import { precompiled } from './precompiled.js';

test('a precompiled query runs its one SQL with each call’s values, literals kept, in a transaction too', async () => {
  const { db } = openDatabase({ sqlitePath: ':memory:' });
  await migrateToLatest(db as never, 'sqlite');
  const put = precompiled<{ name: string; value: string }>(db, (d, slot) => d.insertInto('settings').values({ name: slot('name'), value: slot('value') }));
  const bump = precompiled<{ name: string; suffix: string }>(db, (d, slot) =>
    d.updateTable('settings').set({ value: sql`value || ${slot('suffix')}` }).where('name', '=', slot('name')).where('name', '!=', 'frozen'),
  );
  const read = precompiled<{ name: string }, { value: string }>(db, (d, slot) => d.selectFrom('settings').select('value').where('name', '=', slot('name')));
  await put(db, { name: 'a', value: '1' });
  await put(db, { name: 'frozen', value: '5' });
  await db.transaction().execute(async (trx) => {
    await bump(trx, { name: 'a', suffix: '2' });
    await bump(trx, { name: 'frozen', suffix: '9' });
  });
  assert.deepEqual((await read(db, { name: 'a' })).rows, [{ value: '12' }]);
  assert.deepEqual((await read(db, { name: 'frozen' })).rows, [{ value: '5' }], 'the literal condition held');
  assert.deepEqual((await read(db, { name: 'none' })).rows, []);
  await db.destroy();
});
