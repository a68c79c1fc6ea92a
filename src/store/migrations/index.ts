/**
 * @module The ordered list of migrations, how to apply them and how to tell whether any are
 * pending. Names sort in order; never edit one that has shipped, add the next instead.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { channels } from './002-channels.js';
import { admin } from './003-admin.js';
import { images } from './004-images.js';
import { ledgerIdempotency } from './005-ledger-idempotency.js';

export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  return { '001-initial': initial(dialect), '002-channels': channels(), '003-admin': admin(), '004-images': images(), '005-ledger-idempotency': ledgerIdempotency() };
}

export async function migrator(db: Kysely<unknown>, dialect: Dialect): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Without a schema, Kysely looks for its migration table in every schema of the database and
  // would take another schema's table (another test's, a staging copy's) for ours. Name the
  // connection's own schema, the one the search_path makes our unqualified tables land in.
  const schema =
    dialect === 'postgres' ? ((await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db)).rows[0]?.schema ?? undefined) : undefined;
  return new Migrator({
    db,
    provider,
    migrationTableName: 'aigate_migrations',
    migrationLockTableName: 'aigate_migrations_lock',
    migrationTableSchema: schema,
  });
}

/**
 * Applies every pending migration, under Kysely's migration lock, so concurrent runs apply each
 * migration once.
 * @returns the names of the migrations this call applied, in order.
 * @throws the failing migration's error, after Kysely rolled it back.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const { error, results = [] } = await (await migrator(db, dialect)).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations not yet applied; reads only, never creates Kysely's tables. */
export async function pendingMigrations(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const all = await (await migrator(db, dialect)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** A store that only checks its schema found it behind the code. */
export class MigrationsPendingError extends Error {
  override name = 'MigrationsPendingError';
  constructor(readonly pending: readonly string[]) {
    super(
      `the database schema is behind this version of aigate: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `npx aigate migrate` once (from any one machine), then start again.',
    );
  }
}
