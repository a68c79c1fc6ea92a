/**
 * @module The generation path's statements run straight on the SQLite connection, synchronously,
 * instead of through Kysely's driver. Each query through Kysely costs a couple of dozen promises
 * (its executor, connection provider and mutex); a request's key lookup, hold and capture made
 * about 170 of them, which the young-generation GC then had to sweep. better-sqlite3 is
 * synchronous, so a statement or a whole transaction run here finishes before anything else on
 * the event loop can start: no other query can join it. The one case to avoid is a Kysely
 * transaction left open across an await (admin writes): a statement run then would join it, so
 * `free` says when the connection is clear and callers go through Kysely otherwise.
 */
import type { CompiledQuery, QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';

export interface DirectSqlite {
  /** False while a transaction is open on the connection (a Kysely one, between its awaits). */
  readonly free: boolean;
  /** Runs one compiled query, answering as Kysely's SQLite driver would. */
  execute<Row>(query: CompiledQuery<Row>): QueryResult<Row>;
  /** Runs `body` in one BEGIN IMMEDIATE ... COMMIT, rolled back if it throws. */
  transaction<T>(body: () => T): T;
}

/** `prepare` is the connection's statement cache (sqlite-database.ts). */
export function directSqlite(sqlite: SQLite.Database, prepare: (sql: string) => SQLite.Statement): DirectSqlite {
  // Wrapped once: better-sqlite3 builds a new wrapper (four variants) on every `transaction()` call.
  const inTransaction = sqlite.transaction((body: () => unknown) => body());
  return {
    get free() {
      return sqlite.open && !sqlite.inTransaction;
    },
    execute<Row>(query: CompiledQuery<Row>): QueryResult<Row> {
      const statement = prepare(query.sql);
      const parameters = query.parameters as unknown[];
      if (statement.reader) return { rows: statement.all(parameters) as Row[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
    transaction: <T>(body: () => T): T => inTransaction.immediate(body) as T,
  };
}
