/**
 * @module The admin API: operator accounts, their sessions (stored as the hash of the cookie's
 * token), and per-model price overrides that take precedence over the configured prices.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function admin(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('operators')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('admin_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_sessions_expiry').on('admin_sessions').columns(['expires_at']).execute();
      await db.schema.createIndex('admin_sessions_operator').on('admin_sessions').columns(['operator_id']).execute();

      await db.schema
        .createTable('model_prices')
        .addColumn('model', 'text', (c) => c.primaryKey())
        .addColumn('price', 'bigint', (c) => c.notNull().check(sql`price >= 0`))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
