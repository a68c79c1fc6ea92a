/**
 * @module A unit of work written once for both ways of running it: a generator that yields each
 * statement and is handed back its result. On SQLite, while the connection is free, it runs
 * synchronously in one transaction on the connection itself (direct-sqlite.ts); otherwise
 * (PostgreSQL, or SQLite with an admin transaction open) through a Kysely transaction.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DirectSqlite } from '../direct-sqlite.js';
import type { Precompiled } from './precompiled.js';
import type { Database } from './schema.js';

export type Work<T> = Generator<CompiledQuery, T, QueryResult<unknown>>;

/** One statement of a unit of work, its result typed: `const { rows } = yield* step(query, args)`. */
export function* step<Args, Row>(query: Precompiled<Args, Row>, args: Args): Generator<CompiledQuery, QueryResult<Row>, QueryResult<unknown>> {
  return (yield query.with(args)) as QueryResult<Row>;
}

/** Runs `work` in one transaction; it rolls back if the work throws. */
export async function transact<T>(db: Kysely<Database>, direct: DirectSqlite | undefined, work: () => Work<T>): Promise<T> {
  if (direct?.free) {
    return direct.transaction(() => {
      const steps = work();
      let next = steps.next();
      while (!next.done) next = steps.next(direct.execute(next.value));
      return next.value;
    });
  }
  return db.transaction().execute(async (trx) => {
    const steps = work();
    let next = steps.next();
    while (!next.done) next = steps.next(await trx.executeQuery(next.value));
    return next.value;
  });
}

/** One read outside any transaction: directly when the connection is free. */
export async function read<Args, Row>(db: Kysely<Database>, direct: DirectSqlite | undefined, query: Precompiled<Args, Row>, args: Args): Promise<Row[]> {
  if (direct?.free) return direct.execute(query.with(args)).rows;
  return (await query(db, args)).rows;
}
