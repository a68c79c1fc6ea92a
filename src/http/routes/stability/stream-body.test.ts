import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { flowOf } from '../../../../test/helpers/flows.js';
import { readAll } from '../../../providers/http/upstream-http.js';
import { Base64Json, collecting, jsonLength } from './stream-body.js';

function chunked(bytes: Buffer, sizes: readonly number[]) {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  return parts;
}
/** Each part written on its own, as the flow hands them on. */
const encoded = async (parts: Buffer[], json: Base64Json) => {
  const text = readAll(json);
  for (const part of parts) json.write(part);
  json.end();
  return (await text).toString('latin1');
};

test('the streamed JSON equals the one built whole, however the image arrives in pieces', async () => {
  for (const length of [0, 1, 2, 3, 4, 5, 1000, 65_537]) {
    const image = randomBytes(length);
    const whole = JSON.stringify({ image: image.toString('base64'), finish_reason: 'CONTENT_FILTERED', seed: 77 });
    for (const sizes of [[1], [2], [3], [1, 2], [5, 1, 1], [65_536], [7, 64_000, 2]]) {
      const text = await encoded(chunked(image, sizes), new Base64Json('CONTENT_FILTERED', 77));
      assert.equal(text, whole, `${length} bytes in pieces of ${sizes.join(',')}`);
      assert.equal(jsonLength(length, 'CONTENT_FILTERED', 77), text.length);
    }
  }
});

test('collecting keeps every chunk and hands on the whole image once, at the flow’s end', async () => {
  const image = randomBytes(1000);
  const kept: Buffer[] = [];
  const flow = flowOf(chunked(image, [300]), { length: image.length }).use(collecting((bytes) => void kept.push(bytes)));
  assert.deepEqual(await readAll(flow.open()), image);
  assert.deepEqual(kept, [image]);
});
