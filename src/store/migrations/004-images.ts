/**
 * @module Generated images kept for the usage log and the playground: one row per image the
 * station answered with, naming its object in the image store (src/images/). Rows go when the
 * retention sweep deletes their objects.
 */
import type { Kysely, Migration } from 'kysely';

export function images(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('images')
        .addColumn('request_id', 'text', (c) => c.primaryKey())
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('images_created').on('images').columns(['created_at']).execute();
    },
  };
}
