/** @module The first schema: keys, holds, the ledger, banned words, the usage log and settings. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './index.js';

export function initial(dialect: Dialect): Migration {
  // SQLite's rowid alias and PostgreSQL's identity column are the only dialect differences.
  const serial = dialect === 'sqlite' ? ('integer' as const) : ('bigserial' as const);
  const serialOptions = dialect === 'sqlite' ? { autoIncrement: true } : {};
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('last4', 'text', (c) => c.notNull())
        .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`balance >= 0`))
        .addColumn('held', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`held >= 0`))
        .addColumn('spent', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('cap', 'bigint')
        .addColumn('rate_points', 'integer')
        .addColumn('rate_window_s', 'integer')
        .addColumn('models', 'text')
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('held_within_balance', sql`held <= balance`)
        .execute();

      await db.schema
        .createTable('holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('settled_at', 'bigint')
        .execute();
      await db.schema.createIndex('holds_open').on('holds').columns(['status', 'expires_at']).execute();

      await db.schema
        .createTable('ledger')
        .addColumn('id', serial, (c) => (serialOptions.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('balance_after', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ref', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_key').on('ledger').columns(['key_id', 'id']).execute();

      await db.schema
        .createTable('banned_words')
        .addColumn('word', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('usage_log')
        .addColumn('id', serial, (c) => (serialOptions.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('error_name', 'text')
        .addColumn('channel', 'text')
        .addColumn('credits', 'bigint', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('client_user_id', 'text')
        .addColumn('client_version', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_key_time').on('usage_log').columns(['key_id', 'created_at']).execute();
      await db.schema.createIndex('usage_time').on('usage_log').columns(['created_at']).execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
