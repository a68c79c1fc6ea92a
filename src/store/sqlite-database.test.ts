import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { cachingDatabase } from './sqlite-database.js';

test('a statement is prepared once and reused, with each call bound to its own parameters', () => {
  const sqlite = new SQLite(':memory:');
  const prepared: string[] = [];
  const original = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => (prepared.push(sql), original(sql))) as typeof sqlite.prepare;
  const db = cachingDatabase(sqlite);
  db.prepare('create table t (id integer primary key, name text)').run([]);
  const insert = db.prepare('insert into t (name) values (?)');
  insert.run(['a']);
  assert.equal(db.prepare('insert into t (name) values (?)'), insert);
  db.prepare('insert into t (name) values (?)').run(['b']);
  assert.deepEqual(db.prepare('select name from t order by id').all([]), [{ name: 'a' }, { name: 'b' }]);
  assert.deepEqual(db.prepare('select name from t where id = ?').all([2]), [{ name: 'b' }]);
  assert.deepEqual(db.prepare('select name from t where id = ?').all([1]), [{ name: 'a' }]);
  assert.deepEqual(prepared, ['create table t (id integer primary key, name text)', 'insert into t (name) values (?)', 'select name from t order by id', 'select name from t where id = ?']);
  db.close();
});

test('beyond its size the least recently used statement is dropped, and prepared again when asked for', () => {
  const sqlite = new SQLite(':memory:');
  const db = cachingDatabase(sqlite, 2);
  const one = db.prepare('select 1');
  const two = db.prepare('select 2');
  assert.equal(db.prepare('select 1'), one); // now "select 2" is the least recently used
  db.prepare('select 3');
  assert.equal(db.prepare('select 1'), one);
  assert.notEqual(db.prepare('select 2'), two);
  assert.deepEqual(db.prepare('select 2 as v').all([]), [{ v: 2 }]);
  db.close();
});

test('closing the database first commits the group of writes still waiting for its turn', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aigate-close-'));
  const file = path.join(dir, 'test.db');
  try {
    const sqlite = new SQLite(file);
    sqlite.exec('CREATE TABLE t (name TEXT)');
    const db = cachingDatabase(sqlite);
    const written = db.direct.grouped(() => sqlite.prepare("INSERT INTO t VALUES ('last')").run().changes, () => Promise.reject(new Error('not free')));
    db.close(); // in the same turn: the group has not had its turn yet
    assert.equal(await written, 1);
    const reopened = new SQLite(file, { readonly: true });
    assert.deepEqual(reopened.prepare('SELECT name FROM t').all(), [{ name: 'last' }]);
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
