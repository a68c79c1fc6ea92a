/**
 * @module The generation path's statements run straight on the SQLite connection, synchronously,
 * instead of through Kysely's driver. Each query through Kysely costs a couple of dozen promises
 * (its executor, connection provider and mutex); a request's key lookup, hold and capture made
 * about 170 of them, which the young-generation GC then had to sweep. better-sqlite3 is
 * synchronous, so a statement or a whole transaction run here finishes before anything else on
 * the event loop can start: no other query can join it. The one case to avoid is a Kysely
 * transaction left open across an await (admin writes): a statement run then would join it, so
 * `free` says when the connection is clear and callers go through Kysely otherwise.
 *
 * Units of work are committed in groups (decision 108): every one asked for in the same turn of
 * the event loop shares one transaction. A commit appends each page the transaction changed to the
 * WAL, and a hold or capture changes the same few pages (the key's row, the tails of the holds and
 * ledger tables and their indexes) as the others in flight, so under load a group writes those
 * pages once instead of once per request.
 */
import type { CompiledQuery, QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';

export interface DirectSqlite {
  /** False while a transaction is open on the connection (a Kysely one, between its awaits). */
  readonly free: boolean;
  /** Runs one compiled query, answering as Kysely's SQLite driver would. */
  execute<Row>(query: CompiledQuery<Row>): QueryResult<Row>;
  /**
   * Runs `body` in the transaction shared by every unit asked for in this turn of the event loop,
   * committed before the promise settles; a body that throws leaves no trace, and the others still
   * commit. `elsewhere` runs instead when the connection is no longer free by then.
   */
  grouped<T>(body: () => T, elsewhere: () => Promise<T>): Promise<T>;
  /** Commits the group waiting for its turn now: called before the connection closes, so no unit is lost. */
  flush(): void;
}

interface Unit {
  body: () => unknown;
  elsewhere: () => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** `prepare` is the connection's statement cache (sqlite-database.ts). */
export function directSqlite(sqlite: SQLite.Database, prepare: (sql: string) => SQLite.Statement): DirectSqlite {
  // Wrapped once: better-sqlite3 builds a new wrapper (four variants) on every `transaction()` call.
  // commit() calls it only while no transaction is open: inside one it would make a savepoint, not BEGIN.
  const inTransaction = sqlite.transaction((body: () => unknown) => body());
  const free = () => sqlite.open && !sqlite.inTransaction;
  let queue: Unit[] = [];

  /** Commits `group` in one transaction; a unit that throws is failed alone and the rest committed without it. */
  const commit = (group: Unit[]) => {
    while (group.length > 0) {
      if (!free()) {
        // An admin transaction is open between its awaits (or a failed rollback left one): never join it.
        for (const unit of group) Promise.resolve().then(unit.elsewhere).then(unit.resolve, unit.reject);
        return;
      }
      let running = -1; // which unit's body is running; -1 during BEGIN and COMMIT
      try {
        const results = inTransaction.immediate(() =>
          group.map((unit, i) => {
            running = i;
            const result = unit.body();
            running = -1;
            return result;
          }),
        ) as unknown[];
        group.forEach((unit, i) => unit.resolve(results[i]));
        return;
      } catch (error) {
        // BEGIN or COMMIT failed (the write lock held past the busy timeout, the disk full): no
        // unit is at fault, and running each again would only wait again.
        if (running < 0) return group.forEach((unit) => unit.reject(error));
        // One unit threw and the group rolled back, leaving no trace: that one fails, the rest run
        // again as a group. Rare, and never partial.
        group[running]!.reject(error);
        group = group.filter((_, i) => i !== running);
      }
    }
  };
  const commitGroup = () => {
    const group = queue;
    queue = [];
    commit(group); // empty when it was flushed early, before the connection closed
  };

  return {
    get free() {
      return free();
    },
    execute<Row>(query: CompiledQuery<Row>): QueryResult<Row> {
      const statement = prepare(query.sql);
      const parameters = query.parameters as unknown[];
      if (statement.reader) return { rows: statement.all(parameters) as Row[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
    flush: commitGroup,
    grouped<T>(body: () => T, elsewhere: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // setImmediate runs after the loop has handled all the I/O that was ready: the whole turn's units.
        if (queue.length === 0) setImmediate(commitGroup);
        queue.push({ body, elsewhere, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
