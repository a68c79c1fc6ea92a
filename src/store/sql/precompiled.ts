/**
 * @module Queries built and compiled by Kysely once, then run with new values. Kysely rebuilds and
 * recompiles a query on every call; on the generation path (a key lookup, a hold, a capture, the
 * usage row: about a dozen statements a request) that cost as much as SQLite's own work. The
 * query is still written with the typed builder, in the store's dialect; only its values are
 * slots, named, and filled in per call. Values written as literals stay fixed.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from './schema.js';

const SLOT = Symbol('slot');
interface Slot {
  readonly [SLOT]: string;
}
const isSlot = (value: unknown): value is Slot => typeof value === 'object' && value !== null && SLOT in value;

/** Stands in for the value named `name` while the query is built (typed as that value). */
export type SlotOf<Args> = <K extends keyof Args & string>(name: K) => Args[K];

export type Executor = Kysely<Database> | Transaction<Database>;

export interface Precompiled<Args, Row> {
  (executor: Executor, args: Args): Promise<QueryResult<Row>>;
  /** The query with `args` in place, to run elsewhere (work.ts runs it on SQLite directly). */
  with(args: Args): CompiledQuery<Row>;
}

/**
 * `build` runs once, on first use, against `db`; every call then runs the same SQL on `executor`
 * (the database or a transaction of it) with `args` in the slots' places.
 */
export function precompiled<Args extends Record<string, unknown>, Row = unknown>(db: Kysely<Database>, build: (db: Kysely<Database>, slot: SlotOf<Args>) => Compilable<Row>): Precompiled<Args, Row> {
  let compiled: { query: CompiledQuery<Row>; fill: (args: Args) => unknown[] } | undefined;
  const compile = () => {
    const slot = ((name: string) => ({ [SLOT]: name })) as unknown as SlotOf<Args>;
    const query = build(db, slot).compile();
    const places = query.parameters.map((value): { name: string } | { value: unknown } => (isSlot(value) ? { name: value[SLOT] } : { value }));
    const fill = (args: Args) => places.map((place) => ('name' in place ? args[place.name] : place.value));
    return { query, fill };
  };
  const withArgs = (args: Args): CompiledQuery<Row> => {
    compiled ??= compile();
    return { ...compiled.query, parameters: compiled.fill(args) };
  };
  return Object.assign((executor: Executor, args: Args) => executor.executeQuery<Row>(withArgs(args)), { with: withArgs });
}
