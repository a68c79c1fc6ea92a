import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { directSqlite } from './direct-sqlite.js';

/** A WAL file database with one counter row, and the direct connection over it. */
function counterDatabase() {
  const dir = mkdtempSync(path.join(tmpdir(), 'aigate-direct-'));
  const file = path.join(dir, 'test.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('wal_autocheckpoint = 0'); // the WAL only grows, so its frames count the pages committed
  sqlite.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0); CREATE TABLE item (name TEXT PRIMARY KEY)');
  const direct = directSqlite(sqlite, (sql) => sqlite.prepare(sql));
  const walFrames = () => (sqlite.pragma('wal_checkpoint(NOOP)') as { log: number }[])[0]!.log;
  const bump = () => sqlite.prepare('UPDATE counter SET n = n + 1 WHERE id = 1').run().changes;
  const count = () => (sqlite.prepare('SELECT n FROM counter').get() as { n: number }).n;
  const items = () => (sqlite.prepare('SELECT name FROM item ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const insert = (name: string) => sqlite.prepare('INSERT INTO item VALUES (?)').run(name);
  const close = () => (sqlite.close(), rmSync(dir, { recursive: true, force: true }));
  return { file, sqlite, direct, walFrames, bump, count, items, insert, close };
}

const never = () => Promise.reject(new Error('the connection was free: elsewhere must not run'));

test('units asked for in one turn of the event loop commit together: the page they share is written to the WAL once', async () => {
  const db = counterDatabase();
  try {
    let frames = db.walFrames();
    for (let i = 0; i < 10; i++) await db.direct.grouped(db.bump, never);
    const apart = db.walFrames() - frames;
    assert.equal(apart, 10, 'ten commits, one page each');
    frames = db.walFrames();
    const together = await Promise.all(Array.from({ length: 10 }, () => db.direct.grouped(db.bump, never)));
    assert.deepEqual(together, Array(10).fill(1), 'each unit gets its own result');
    assert.equal(db.walFrames() - frames, 1, 'one commit for the ten');
    assert.equal(db.count(), 20);
    assert.equal(db.direct.free, true, 'no transaction is left open');
  } finally {
    db.close();
  }
});

test('a unit that throws leaves no trace, and the others of its group still commit', async () => {
  const db = counterDatabase();
  try {
    const settled = await Promise.allSettled([
      db.direct.grouped(() => db.insert('a'), never),
      db.direct.grouped(() => {
        db.insert('b');
        throw new Error('refused');
      }, never),
      db.direct.grouped(() => db.insert('a'), never), // a duplicate of the first: fails only itself
      db.direct.grouped(() => db.insert('c'), never),
    ]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((settled[1] as PromiseRejectedResult).reason), /refused/);
    assert.match(String((settled[2] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(db.items(), ['a', 'c']);
    assert.equal(db.direct.free, true);
  } finally {
    db.close();
  }
});

test('a group whose BEGIN fails (the write lock held elsewhere past the busy timeout) fails whole, without running any unit again', async () => {
  const db = counterDatabase();
  const other = new SQLite(db.file);
  try {
    db.sqlite.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE'); // the CLI, say, holding the write lock
    let runs = 0;
    const settled = await Promise.allSettled([1, 2, 3].map(() => db.direct.grouped(() => ((runs += 1), db.bump()), never)));
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected', 'rejected']);
    assert.match(String((settled[0] as PromiseRejectedResult).reason), /locked|busy/i);
    assert.equal(runs, 0, 'no unit ran: no transaction was ever open');
    other.exec('ROLLBACK');
    assert.equal(await db.direct.grouped(db.bump, never), 1, 'the next group commits');
    assert.equal(db.count(), 1);
  } finally {
    other.close();
    db.close();
  }
});

test('a group that finds a transaction open on the connection runs each unit elsewhere, never inside it', async () => {
  const db = counterDatabase();
  try {
    let ranHere = false;
    const unit = db.direct.grouped<string>(
      () => ((ranHere = true), 'here'),
      async () => 'elsewhere',
    );
    // Someone else's transaction opens before the group's turn comes.
    db.sqlite.exec('BEGIN');
    db.insert('theirs');
    assert.equal(await unit, 'elsewhere');
    assert.equal(ranHere, false);
    db.sqlite.exec('ROLLBACK');
    assert.deepEqual(db.items(), []);
  } finally {
    db.close();
  }
});
