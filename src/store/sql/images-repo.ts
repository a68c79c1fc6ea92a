/**
 * @module Rows of the images kept in the image store, in SQL. Removal is idempotent by design:
 * several replicas may sweep the same expired rows at once, and each deletes what is still there.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ImageRecord, ImageRepository } from '../store.js';
import type { ImagesTable, ImageTables } from './image-schema.js';
import type { Database } from './schema.js';

const toRecord = (r: Selectable<ImagesTable>): ImageRecord => ({
  requestId: r.request_id,
  key: r.storage_key,
  contentType: r.content_type,
  bytes: Number(r.bytes),
  createdAt: Number(r.created_at),
});

export function imageRepository(base: Kysely<Database>): ImageRepository {
  const db = base.withTables<ImageTables>();
  return {
    async record(image) {
      const result = await db
        .insertInto('images')
        .values({ request_id: image.requestId, storage_key: image.key, content_type: image.contentType, bytes: image.bytes, created_at: image.createdAt })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async find(requestId) {
      const row = await db.selectFrom('images').selectAll().where('request_id', '=', requestId).executeTakeFirst();
      return row && toRecord(row);
    },
    async olderThan(before, limit) {
      // request_id breaks ties, so batches taken while rows are deleted never skip or repeat one.
      const rows = await db.selectFrom('images').selectAll().where('created_at', '<', before).orderBy('created_at').orderBy('request_id').limit(limit).execute();
      return rows.map(toRecord);
    },
    async remove(requestIds) {
      if (requestIds.length === 0) return 0;
      const result = await db.deleteFrom('images').where('request_id', 'in', [...requestIds]).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
