/**
 * @module The disk image store: a round trip keeps bytes and type, a write is never seen half
 * done (temporary file, then rename), keys cannot leave the directory, and whole past days drop.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { diskImageStore } from './disk-image-store.js';
import { imageKey } from './image-store.js';

const dirs: string[] = [];
const freshDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aigate-images-'));
  dirs.push(dir);
  return dir;
};
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const T = Date.parse('2030-03-04T05:06:07Z');
const ID = '0123456789abcdef0123456789abcdef';

/** Every file under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('disk image store', () => {
  it('round-trips the bytes with their content type and length, under <day>/<shard>/<id>.<ext>', async () => {
    const dir = await freshDir();
    const store = diskImageStore(dir);
    const key = imageKey(ID, T, 'webp');
    assert.equal(key, `2030-03-04/01/${ID}.webp`);
    const bytes = Buffer.from('not really a webp, but bytes are bytes');
    await store.put(key, bytes, 'image/webp');

    const stored = await store.get(key);
    assert.ok(stored);
    assert.equal(stored.contentType, 'image/webp');
    assert.equal(stored.length, bytes.length);
    assert.equal(await text(stored.body), bytes.toString());
    assert.deepEqual(await filesUnder(dir), [key], 'no temporary file is left behind');
    assert.deepEqual(await readFile(path.join(dir, key)), bytes, 'a plain file an operator can open');
    assert.equal(await store.get(imageKey('ffff', T, 'png')), undefined, 'a missing image is undefined, not an error');
  });

  it('writes through a temporary file and a rename: the final name only ever holds a whole image', async () => {
    const dir = await freshDir();
    const store = diskImageStore(dir);
    const key = imageKey(ID, T, 'png');
    const first = Buffer.alloc(3 * 1024 * 1024, 1);
    const second = Buffer.alloc(2 * 1024 * 1024, 2);
    await store.put(key, first, 'image/png');
    // While the replacement is written, the file under the key is the old image in full, then the new one.
    const writing = store.put(key, second, 'image/png');
    const seen: Buffer[] = [];
    let done = false;
    void writing.then(() => (done = true));
    while (!done) seen.push(await readFile(path.join(dir, key)));
    await writing;
    seen.push(await readFile(path.join(dir, key)));
    for (const copy of seen) assert.ok(copy.equals(first) || copy.equals(second), `a read saw ${copy.length} bytes: part of an image`);
    assert.ok(seen.at(-1)!.equals(second));
    assert.deepEqual(await filesUnder(dir), [key]);
  });

  it('leaves no trace when a write fails, and never touches the final name', async () => {
    const dir = await freshDir();
    const store = diskImageStore(dir);
    // A file where the shard directory should be: mkdir fails.
    await writeFile(path.join(dir, '2030-03-04'), 'in the way');
    await assert.rejects(store.put(imageKey(ID, T, 'png'), Buffer.from('x'), 'image/png'));
    assert.deepEqual(await filesUnder(dir), ['2030-03-04']);
  });

  it('refuses keys that would leave its directory or hide a file, and a type its key does not carry', async () => {
    const store = diskImageStore(await freshDir());
    for (const key of ['../escape.png', '/etc/passwd.png', 'a/../../b.png', '.hidden.png', 'a//b.png', '']) {
      await assert.rejects(store.put(key, Buffer.from('x'), 'image/png'), /not a safe relative path/, key);
      await assert.rejects(store.get(key), /not a safe relative path/, key);
    }
    await assert.rejects(store.put('2030-03-04/ab/x.png', Buffer.from('x'), 'image/jpeg'), /extension of image\/jpeg/);
  });

  it('deletes keys, missing ones included, and drops whole days that ended by the cutoff', async () => {
    const dir = await freshDir();
    const store = diskImageStore(dir);
    const day = 86_400_000;
    const keys = [imageKey('aa01', T - 3 * day, 'png'), imageKey('bb02', T - 2 * day, 'png'), imageKey('cc03', T - day, 'jpeg'), imageKey('dd04', T, 'png')];
    for (const key of keys) await store.put(key, Buffer.from(key), key.endsWith('jpeg') ? 'image/jpeg' : 'image/png');
    await writeFile(path.join(dir, 'not-a-day.txt'), 'left alone');

    await store.delete([keys[3]!, 'never/stored.png']);
    assert.equal(await store.get(keys[3]!), undefined);

    // 2030-03-02 ends at 2030-03-03T00:00Z: exactly at the cutoff, so it goes; 2030-03-03 does not.
    assert.equal(await store.dropDaysBefore!(Date.parse('2030-03-03T00:00:00Z')), 2);
    assert.deepEqual(await filesUnder(dir), [keys[2]!, 'not-a-day.txt'].sort());
    assert.equal(await diskImageStore(path.join(dir, 'nothing-here')).dropDaysBefore!(T), 0, 'a directory not made yet holds nothing');
  });
});
