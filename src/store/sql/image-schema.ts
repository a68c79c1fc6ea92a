/**
 * @module The images table as Kysely sees it (migration 004), kept apart from schema.ts like the
 * admin tables; repositories widen their Kysely with `withTables<ImageTables>()`.
 */

export type ImagesTable = {
  request_id: string;
  /** The object's key in the image store. */
  storage_key: string;
  content_type: string;
  bytes: number;
  created_at: number;
};

export type ImageTables = { images: ImagesTable };
