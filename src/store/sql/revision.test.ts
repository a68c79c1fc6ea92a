import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DirectSqlite } from '../direct-sqlite.js';
import { migrateToLatest } from '../migrations/index.js';
import { openDatabase } from '../open-store.js';
import { bumpRevision, revisionReader } from './revision.js';

test('one read of a revision serves its whole turn of the event loop; a bump from this process is seen at once, one from elsewhere a turn later', async () => {
  const { db, direct } = openDatabase({ sqlitePath: ':memory:' });
  await migrateToLatest(db as never, 'sqlite');
  assert.ok(direct);
  let queries = 0;
  const counted: DirectSqlite = {
    get free() {
      return direct.free;
    },
    execute: (query) => ((queries += 1), direct.execute(query)),
    grouped: (body, elsewhere) => direct.grouped(body, elsewhere),
    flush: () => direct.flush(),
  };
  const revision = revisionReader(db, 'test_revision', counted);
  try {
    assert.deepEqual(await Promise.all([revision(), revision(), revision()]), [0, 0, 0]);
    assert.equal(queries, 1, 'three readers in one turn, one query');

    await nextTurn();
    assert.equal(await revision(), 0);
    assert.equal(queries, 2);
    await bumpRevision(db, 'test_revision'); // in the same turn as the read above
    assert.equal(await revision(), 1, 'this process bumped it: read again, in the same turn');
    assert.equal(queries, 3);

    await nextTurn();
    assert.equal(await revision(), 1);
    // Another process (the CLI) bumps it: this turn's readers keep the answer they share.
    await db.updateTable('settings').set({ value: '7' }).where('name', '=', 'test_revision').execute();
    assert.equal(await revision(), 1);
    await nextTurn();
    assert.equal(await revision(), 7, 'the next turn reads it');
    assert.equal(queries, 5);
  } finally {
    await db.destroy();
  }
});
