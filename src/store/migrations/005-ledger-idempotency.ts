/**
 * @module Top-ups and adjustments that may be retried: a ledger row can carry the caller's
 * idempotency key, unique per API key, so a retried request finds its first row instead of
 * writing a second. NULL (every charge, and every change sent without a key) never collides.
 */
import type { Kysely, Migration } from 'kysely';

export function ledgerIdempotency(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('ledger').addColumn('idempotency_key', 'text').execute();
      await db.schema.createIndex('ledger_idempotency').unique().on('ledger').columns(['key_id', 'idempotency_key']).execute();
    },
  };
}
