import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageInfo, passOn, readImageHead, wholeImage } from './image-stream.js';
import { UpstreamFailure } from './upstream-failure.js';

const picture = (format: 'png' | 'jpeg' | 'webp', width = 96, height = 64) =>
  sharp({ create: { width, height, channels: 3, background: '#3a6' } }).toFormat(format).toBuffer();

async function* pieces(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

test('format and size come from the head of png, jpeg and webp; anything else is not an image', async () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) assert.deepEqual(imageInfo(await picture(format)), { format, width: 96, height: 64 });
  assert.equal(imageInfo(Buffer.from('<html>oops</html>')), undefined);
  assert.equal(imageInfo(Buffer.from('GIF89a\x01\x00\x01\x00')), undefined);
  assert.equal(imageInfo((await picture('png')).subarray(0, 12)), undefined, 'too short to tell yet');
});

test('the head is read a chunk at a time until it tells, past a JPEG’s EXIF; nothing more is read', async () => {
  const jpeg = await sharp(await picture('jpeg', 120, 80)).withMetadata({ exif: { IFD0: { Copyright: 'x'.repeat(5000) } } }).jpeg().toBuffer();
  const source = pieces(jpeg, 1000);
  const head = await readImageHead(source);
  assert.deepEqual(head.info, { format: 'jpeg', width: 120, height: 80 });
  assert.ok(head.chunks.length > 5, `the size was past the first chunks (${head.chunks.length})`);
  assert.ok(head.chunks.length < Math.ceil(jpeg.length / 1000), 'the head stops where the size is known');
  const rest: Buffer[] = [];
  for await (const chunk of passOn(head.chunks, source, jpeg.length)) rest.push(chunk);
  assert.deepEqual(Buffer.concat(rest), jpeg);
});

test('an answer shorter than it declared throws broken at its end, never passing for a whole image', async () => {
  const png = await picture('png');
  const source = pieces(png.subarray(0, png.length - 10), 50);
  const head = await readImageHead(source);
  await assert.rejects(wholeImage({ stream: { length: png.length, chunks: passOn(head.chunks, source, png.length) }, format: 'png', seed: 1, finishReason: 'SUCCESS' }), (e) => e instanceof UpstreamFailure && e.kind === 'broken');
});

test('leaving the stream early closes the upstream source', async () => {
  let closed = false;
  async function* source() {
    try {
      for (let i = 0; i < 10; i++) yield Buffer.from([i]);
    } finally {
      closed = true;
    }
  }
  const it = source();
  const stream = passOn([Buffer.from('head')], it, undefined);
  await stream.next();
  await stream.next();
  await stream.return(undefined);
  assert.equal(closed, true);
});
