/** @module Revision counters in the settings table, bumped inside the transaction that changes what they count. */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { precompiled } from './precompiled.js';
import { read } from './work.js';

export function bumpRevision(db: Kysely<Database>, name: string): Promise<unknown> {
  // BIGINT, not INTEGER: INTEGER is 64-bit in SQLite but 32-bit in PostgreSQL; BIGINT is 64-bit in both.
  return db
    .insertInto('settings')
    .values({ name, value: '1' })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)` }))
    .execute();
}

/** Reads the counter `name` (0 before its first bump); compiled once, as every request reads a few. */
export function revisionReader(db: Kysely<Database>, name: string, direct?: DirectSqlite): () => Promise<number> {
  const query = precompiled<{ name: string }, { value: string }>(db, (d, slot) => d.selectFrom('settings').select('value').where('name', '=', slot('name')));
  return async () => {
    const [row] = await read(db, direct, query, { name });
    return row ? Number(row.value) : 0;
  };
}
