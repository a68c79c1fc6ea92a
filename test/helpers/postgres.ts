/**
 * @module PostgreSQL for tests. DATABASE_URL names the server; without it (or unreachable) the
 * PostgreSQL tests are skipped with the reason, unless REQUIRE_SERVICES=1 (CI), where that is a
 * failure. Every store gets a fresh schema of its own, dropped when the store closes, so tests
 * never see each other's rows and need no clean-up between them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type PostgresStoreOptions } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export type PostgresTarget = { url: string; skip?: undefined } | { url?: undefined; skip: string };

/** Runs one statement on a short-lived connection (the helper keeps no pool that would hold the process open). */
export async function adminQuery<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** @throws under REQUIRE_SERVICES=1 when PostgreSQL is not configured or not answering. */
export async function postgresOrSkip(env: NodeJS.ProcessEnv = process.env): Promise<PostgresTarget> {
  const url = env.DATABASE_URL;
  let problem: string | undefined;
  if (!url) problem = 'DATABASE_URL is not set';
  else if (!/^postgres(ql)?:\/\//.test(url)) problem = 'DATABASE_URL is not a postgres:// URL';
  else {
    try {
      await adminQuery(url, 'SELECT 1');
    } catch (error) {
      problem = `PostgreSQL at DATABASE_URL is unreachable (${(error as Error).message})`;
    }
  }
  if (problem === undefined) return { url: url! };
  if (env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but ${problem}`);
  return { skip: `${problem}; set DATABASE_URL=postgres://... to run the PostgreSQL tests` };
}

/** A new, empty schema named t_<random>. */
export async function createSchema(url: string): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE SCHEMA ${schema}`);
  return schema;
}

export const dropSchema = (url: string, schema: string) => adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);

/** Opens a store on `schema`, migrating it unless told otherwise. */
export const openSchemaStore = (url: string, schema: string, options: Partial<PostgresStoreOptions> = {}) =>
  openStore({ migrate: 'apply', ...options, postgresUrl: url, searchPath: schema });

/** A fresh, empty, migrated store in a schema of its own, dropped when the store closes. */
export async function freshPostgresStore(url: string): Promise<Store> {
  const schema = await createSchema(url);
  let store: Store;
  try {
    store = await openSchemaStore(url, schema);
  } catch (error) {
    await dropSchema(url, schema);
    throw error;
  }
  return {
    ...store,
    close: async () => {
      try {
        await store.close();
      } finally {
        await dropSchema(url, schema);
      }
    },
  };
}
