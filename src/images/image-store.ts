/**
 * @module What every image store offers (a directory, an S3-compatible bucket) and how the
 * station names what it keeps there: `<day>/<shard>/<request id>.<format>`. The day comes first so
 * a store can drop a whole day at once, and the two-character shard keeps directories small.
 */
import type { Readable } from 'node:stream';
import type { OutputFormat } from '../providers/provider.js';

/** An image read back: its bytes as a stream, to be piped to the client, with its type and size. */
export interface StoredImage {
  body: Readable;
  contentType: string;
  length: number;
}

export interface ImageStore {
  /** For logs and the start-up warning: 'disk' or 's3'. */
  readonly kind: string;
  /**
   * Stores `bytes` under `key`, replacing what was there; readers see the old object or the whole
   * new one, never part of it. @throws when it could not be stored.
   */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** @returns undefined when there is no such object. @throws when the store cannot be read. */
  get(key: string): Promise<StoredImage | undefined>;
  /** Deletes the objects; keys already gone are no error. @throws when some could not be deleted. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Deletes whatever the store holds from whole days that ended at or before `before`, row or no
   * row, and returns how many days it dropped. Only a store that may hold objects no database row
   * knows of has it: a disk per replica, whose images another replica's sweep cannot reach.
   */
  dropDaysBefore?(before: number): Promise<number>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Each segment starts with a letter, digit, `_` or `-`: no `..`, no hidden (temporary) files, no absolute paths. */
const SAFE_KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\/){0,8}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export const isSafeKey = (key: string) => SAFE_KEY.test(key);

/** The UTC day of `at`, `YYYY-MM-DD`: the first segment of every key. */
export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * The key of a request's image. Request ids are ours (32 hex, decision 9); anything else is made
 * safe rather than trusted.
 */
export function imageKey(requestId: string, at: number, format: OutputFormat): string {
  const id = requestId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || '_';
  const shard = id.slice(0, 2).toLowerCase().padEnd(2, '_');
  return `${dayOf(at)}/${shard}/${id}.${format}`;
}
