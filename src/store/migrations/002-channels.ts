/**
 * @module Channels (upstream accounts) with encrypted credentials, the built-in sandbox as the
 * first of them, and the list of channel attempts on each usage-log row.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function channels(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('base_url', 'text', (c) => c.notNull())
        .addColumn('credentials_enc', 'text')
        .addColumn('credentials_hint', 'text')
        .addColumn('models', 'text')
        .addColumn('model_map', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('max_concurrency', 'integer')
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('disabled_reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      const now = Date.now();
      await sql`INSERT INTO channels (id, name, provider, base_url, model_map, options, priority, weight, timeout_ms, enabled, created_at, updated_at)
        VALUES ('ch_sandbox', 'sandbox', 'sandbox', 'builtin:sandbox', '{}', '{}', 0, 1, 60000, 1, ${now}, ${now})`.execute(db);
      await db.schema.alterTable('usage_log').addColumn('attempts', 'text').execute();
    },
  };
}
