import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { base64Json, collecting, jsonLength } from './stream-body.js';

async function* chunked(bytes: Buffer, sizes: readonly number[]) {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}
const all = async (chunks: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('latin1');
};

test('the streamed JSON equals the one built whole, however the image arrives in pieces', async () => {
  for (const length of [0, 1, 2, 3, 4, 5, 1000, 65_537]) {
    const image = randomBytes(length);
    const whole = JSON.stringify({ image: image.toString('base64'), finish_reason: 'CONTENT_FILTERED', seed: 77 });
    for (const sizes of [[1], [2], [3], [1, 2], [5, 1, 1], [65_536], [7, 64_000, 2]]) {
      const text = await all(base64Json(chunked(image, sizes), 'CONTENT_FILTERED', 77));
      assert.equal(text, whole, `${length} bytes in pieces of ${sizes.join(',')}`);
      assert.equal(jsonLength(length, 'CONTENT_FILTERED', 77), text.length);
    }
  }
});

test('collecting hands on every chunk and the whole image only at the end', async () => {
  const image = randomBytes(1000);
  let kept: Buffer | undefined;
  const out: Buffer[] = [];
  for await (const chunk of collecting(chunked(image, [300]), (bytes) => (kept = bytes))) {
    assert.equal(kept, undefined);
    out.push(chunk);
  }
  assert.deepEqual(Buffer.concat(out), image);
  assert.deepEqual(kept, image);
});
