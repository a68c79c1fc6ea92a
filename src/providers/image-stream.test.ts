import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageInfo } from './image-stream.js';

const picture = (format: 'png' | 'jpeg' | 'webp', width = 96, height = 64) =>
  sharp({ create: { width, height, channels: 3, background: '#3a6' } }).toFormat(format).toBuffer();

test('format and size come from the head of png, jpeg and webp; anything else is not an image', async () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) assert.deepEqual(imageInfo(await picture(format)), { format, width: 96, height: 64 });
  assert.equal(imageInfo(Buffer.from('<html>oops</html>')), undefined);
  assert.equal(imageInfo(Buffer.from('GIF89a\x01\x00\x01\x00')), undefined);
  assert.equal(imageInfo((await picture('png')).subarray(0, 12)), undefined, 'too short to tell yet');
});
