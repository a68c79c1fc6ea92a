/** @module Revision counters in the settings table, bumped inside the transaction that changes what they count. */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { precompiled } from './precompiled.js';
import { read } from './work.js';

/** Bumps made by this process: a reader's answer from earlier in the turn is stale after one. */
let bumpsHere = 0;

export function bumpRevision(db: Kysely<Database>, name: string): Promise<unknown> {
  bumpsHere += 1;
  // BIGINT, not INTEGER: INTEGER is 64-bit in SQLite but 32-bit in PostgreSQL; BIGINT is 64-bit in both.
  return db
    .insertInto('settings')
    .values({ name, value: '1' })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)` }))
    .execute();
}

/**
 * Reads the counter `name` (0 before its first bump); compiled once, as every request reads a few.
 * One read serves every request of the same turn of the event loop (under load, dozens): they
 * arrived together, and a change committed meanwhile by another process is seen a turn later,
 * as it would have been by a request arriving a moment later. A bump from this process is seen at once.
 */
export function revisionReader(db: Kysely<Database>, name: string, direct?: DirectSqlite): () => Promise<number> {
  const query = precompiled<{ name: string }, { value: string }>(db, (d, slot) => d.selectFrom('settings').select('value').where('name', '=', slot('name')));
  let turn: { value: Promise<number>; bumps: number } | undefined;
  const forget = () => (turn = undefined);
  return () => {
    if (turn?.bumps === bumpsHere) return turn.value;
    if (!turn) setImmediate(forget);
    turn = { value: read(db, direct, query, { name }).then(([row]) => (row ? Number(row.value) : 0)), bumps: bumpsHere };
    return turn.value;
  };
}
