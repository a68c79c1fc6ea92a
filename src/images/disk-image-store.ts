/**
 * @module Images as plain files under one directory (default <data>/images): `<day>/<shard>/<id>.<ext>`.
 * A file is written under a temporary name beside its final one, flushed, then renamed into place,
 * so a reader (or a crash) never sees half an image. The extension records the content type, so a
 * file is an ordinary image an operator can open; a key must end with its type's extension.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_TYPES, isSafeKey, type ImageStore, type StoredImage } from './image-store.js';

const TYPE_BY_EXTENSION = new Map(Object.entries(CONTENT_TYPES).map(([extension, type]) => [`.${extension}`, type]));
const DAY_DIR = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export function diskImageStore(dir: string): ImageStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    if (!isSafeKey(key)) throw new Error(`image key "${key}" is not a safe relative path`);
    return path.join(root, key);
  };
  const typeOf = (key: string) => TYPE_BY_EXTENSION.get(path.extname(key));

  return {
    kind: 'disk',

    async put(key, bytes, contentType) {
      const file = fileOf(key);
      if (typeOf(key) !== contentType) throw new Error(`image key "${key}" does not end with the extension of ${contentType}`);
      await mkdir(path.dirname(file), { recursive: true });
      // Hidden, so no key can name it; unique, so two writers of one key never share it.
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const handle = await open(temporary, 'wx', 0o640);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key): Promise<StoredImage | undefined> {
      const file = fileOf(key);
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        // The stream owns the handle from here and closes it when it ends or is destroyed.
        return { body: handle.createReadStream(), contentType: typeOf(key) ?? 'application/octet-stream', length: size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async delete(keys) {
      for (const key of keys) await rm(fileOf(key), { force: true });
    },

    async dropDaysBefore(before) {
      let entries: string[];
      try {
        entries = await readdir(root);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let dropped = 0;
      for (const day of entries.filter((name) => DAY_DIR.test(name))) {
        const end = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
        if (!Number.isFinite(end) || end > before) continue;
        await rm(path.join(root, day), { recursive: true, force: true });
        dropped += 1;
      }
      return dropped;
    },

    close: async () => {},
  };
}
