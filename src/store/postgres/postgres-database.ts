/** @module The PostgreSQL side of openStore: a pg pool under Kysely, with int8 read as a number. */
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../sql/schema.js';

/** Connections per process; replicas multiply it, so keep the server's max_connections in mind. */
export const POOL_SIZE = 20;
const INT8_OID = 20;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface PostgresConnection {
  /** A postgres:// URL (DATABASE_URL). */
  postgresUrl: string;
  /** A schema to work in instead of the URL's default (tests give each store its own). */
  searchPath?: string;
}

export function postgresDatabase({ postgresUrl, searchPath }: PostgresConnection): Kysely<Database> {
  // It ends up inside a connection option string, so only a plain identifier may pass.
  if (searchPath !== undefined && !IDENTIFIER.test(searchPath)) throw new Error(`searchPath: "${searchPath}" is not a plain schema name`);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => createPool(postgresUrl, searchPath) }) });
}

/** pg is imported when the first connection is wanted: a station on SQLite never loads it. */
async function createPool(postgresUrl: string, searchPath: string | undefined) {
  const { default: pg } = await import('pg');
  const types = new pg.TypeOverrides();
  // pg returns int8 (our bigint columns, bigserial ids, COUNT(*)) as text because it may exceed
  // 2^53. Ours never do: amounts are milli-credits (2^53 of them is nine trillion credits), times
  // are epoch milliseconds and ids count rows, so a JS number is exact, as SQLite returns them.
  types.setTypeParser(INT8_OID, (text: string) => Number(text));
  const pool = new pg.Pool({
    connectionString: postgresUrl,
    max: POOL_SIZE,
    types,
    options: searchPath === undefined ? undefined : `-c search_path=${searchPath}`,
    // An unreachable server fails start-up and requests in bounded time rather than hanging.
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection that drops (server restart, failover) is discarded by the pool and the
  // next query opens a fresh one; without a listener Node would crash the process on the event.
  pool.on('error', () => undefined);
  return pool;
}
