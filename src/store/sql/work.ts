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

/** Runs `work` through Kysely, in a transaction of its own. */
function viaKysely<T>(db: Kysely<Database>, work: () => Work<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const steps = work();
    let next = steps.next();
    while (!next.done) next = steps.next(await trx.executeQuery(next.value));
    return next.value;
  });
}

/**
 * Runs `work` in one transaction; it rolls back if the work throws. On SQLite the transaction is
 * shared with the other units of the same event-loop turn (direct-sqlite.ts), so `work` may run
 * more than once (again, after another unit of its group threw and rolled the group back): it must
 * only read and write through its statements.
 */
export function transact<T>(db: Kysely<Database>, direct: DirectSqlite | undefined, work: () => Work<T>): Promise<T> {
  if (!direct?.free) return viaKysely(db, work);
  return direct.grouped(() => {
    const steps = work();
    let next = steps.next();
    while (!next.done) next = steps.next(direct.execute(next.value));
    return next.value;
  }, () => viaKysely(db, work));
}

/** One read outside any transaction: directly when the connection is free. */
export async function read<Args, Row>(db: Kysely<Database>, direct: DirectSqlite | undefined, query: Precompiled<Args, Row>, args: Args): Promise<Row[]> {
  if (direct?.free) return direct.execute(query.with(args)).rows;
  return (await query(db, args)).rows;
}
