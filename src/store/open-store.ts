/**
 * @module Opens the configured store: the embedded SQLite file, or PostgreSQL when DATABASE_URL is
 * set. SQLite runs in WAL mode with a busy timeout so the CLI and the station can share one file.
 * Migrations: SQLite applies pending ones at open (one machine, nothing to race); PostgreSQL, which
 * several replicas share, only checks by default and `npx aigate migrate` applies them.
 */
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest, MigrationsPendingError, pendingMigrations, type Dialect } from './migrations/index.js';
import { postgresDatabase, type PostgresConnection } from './postgres/postgres-database.js';
import type { Database } from './sql/schema.js';
import type { DirectSqlite } from './direct-sqlite.js';
import { openSqlite } from './sqlite-database.js';
import { sqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

/** 'apply' runs pending migrations; 'check' refuses to open while any are pending. */
export type MigratePolicy = 'apply' | 'check';

interface CommonOptions {
  now?: () => number;
  /** Default: 'apply' on SQLite, 'check' on PostgreSQL. */
  migrate?: MigratePolicy;
}
export interface SqliteStoreOptions extends CommonOptions {
  /** A file path, or ':memory:' for tests. */
  sqlitePath: string;
  postgresUrl?: never;
}
export interface PostgresStoreOptions extends CommonOptions, PostgresConnection {
  sqlitePath?: never;
}
export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;

/** Where the configuration says the store is: PostgreSQL when DATABASE_URL is set. */
export function storeOptions(config: { databaseUrl: string | undefined; databasePath: string }): StoreOptions {
  return config.databaseUrl ? { postgresUrl: config.databaseUrl } : { sqlitePath: config.databasePath };
}

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite only: the same connection, for the generation path's synchronous statements. */
  direct?: DirectSqlite;
}

/** The bare connection, schema untouched: for `aigate migrate` and openStore. */
export function openDatabase(options: StoreOptions): OpenDatabase {
  if (options.postgresUrl !== undefined) return { db: postgresDatabase(options), dialect: 'postgres' };
  const database = openSqlite(options.sqlitePath);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite', direct: database.direct };
}

/** @throws MigrationsPendingError when checking and the schema is behind; the connection is closed. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const { db, dialect, direct } = openDatabase(options);
  const policy = options.migrate ?? (dialect === 'sqlite' ? 'apply' : 'check');
  try {
    if (policy === 'apply') await migrateToLatest(db as Kysely<unknown>, dialect);
    else {
      const pending = await pendingMigrations(db as Kysely<unknown>, dialect);
      if (pending.length > 0) throw new MigrationsPendingError(pending);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return sqlStore(db, options.now, direct);
}
