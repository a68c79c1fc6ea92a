/**
 * @module The embedded SQLite file, opened for Kysely with its statements prepared once. Kysely's
 * SQLite driver calls `prepare()` for every query; on the generation path (about a dozen
 * statements per request, the same dozen every time) that parse cost was most of the store's
 * CPU. A statement is safe to reuse here: Kysely runs one query at a time on SQLite's single
 * connection, and a statement is only busy while a query iterates it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { directSqlite, type DirectSqlite } from './direct-sqlite.js';
import { BACKSTOP_PAGES, startCheckpointer } from './sqlite-checkpointer.js';

/** Distinct statements kept prepared; the hot path uses a few dozen, admin listings vary a little more. */
export const STATEMENT_CACHE_SIZE = 500;

/** The connection for Kysely, and the same connection for the generation path's direct statements. */
export type OpenSqlite = SqliteDatabase & { direct: DirectSqlite };

/** A better-sqlite3 database as Kysely's `SqliteDatabase`, memoising `prepare` (least recently used out). */
export function cachingDatabase(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE, onClose: () => void = () => undefined): OpenSqlite {
  const statements = new Map<string, SqliteStatement>();
  const prepare = (sql: string): SqliteStatement => {
    const cached = statements.get(sql);
    if (cached) {
      // Re-inserting moves it to the end of the Map's order: the oldest entry is the least recently used.
      statements.delete(sql);
      statements.set(sql, cached);
      return cached;
    }
    const statement = sqlite.prepare(sql) as unknown as SqliteStatement;
    statements.set(sql, statement);
    if (statements.size > size) statements.delete(statements.keys().next().value!);
    return statement;
  };
  const direct = directSqlite(sqlite, prepare as unknown as (sql: string) => SQLite.Statement);
  return {
    close: () => {
      // The group waiting for its turn commits now rather than fail on a closed connection.
      // (Were an admin transaction still open, its units would go through Kysely, closing too,
      // and fail: reported as failed, never as done.)
      direct.flush();
      statements.clear();
      onClose();
      sqlite.close();
    },
    prepare,
    direct,
  };
}

/**
 * Opens (creating its directory) the file in WAL mode, shareable with the CLI while the station
 * runs, its checkpoints made by a worker thread (sqlite-checkpointer.ts) unless `checkpointer` is false.
 */
export function openSqlite(file: string, options: { checkpointer?: boolean } = {}): OpenSqlite {
  const onDisk = file !== ':memory:';
  if (onDisk) mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  if (!onDisk || options.checkpointer === false) return cachingDatabase(sqlite);
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const checkpointer = startCheckpointer(file, (message) => process.emitWarning(`aigate: the SQLite checkpoint worker failed (${message}); checkpoints fall back to SQLite's own`));
  return cachingDatabase(sqlite, STATEMENT_CACHE_SIZE, () => void checkpointer.stop());
}
