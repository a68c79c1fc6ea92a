import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import sharp from 'sharp';
import { flowOf, partsSource, readOut } from '../../test/helpers/flows.js';
import { readAll } from './http/upstream-http.js';
import { ImageFlow } from './image-flow.js';
import { imageInfo, MAX_HEAD_BYTES, wholeImage } from './image-stream.js';
import { UpstreamFailure } from './upstream-failure.js';

const pieces = (bytes: Buffer, size: number) => {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return parts;
};
const never = () => new AbortController().signal;

test('the head is read a chunk at a time until it tells, past a JPEG’s EXIF; nothing more is read, and all of it goes out', async () => {
  const plain = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#3a6' } }).jpeg().toBuffer();
  const jpeg = await sharp(plain).withMetadata({ exif: { IFD0: { Copyright: 'x'.repeat(5000) } } }).jpeg().toBuffer();
  const parts = pieces(jpeg, 1000);
  let reads = 0;
  const source = partsSource(parts);
  source.on('data', () => (reads += 1));
  const flow = new ImageFlow(source, { signal: never(), length: jpeg.length });
  assert.deepEqual(await flow.head(imageInfo, MAX_HEAD_BYTES), { format: 'jpeg', width: 120, height: 80 });
  assert.ok(reads > 5, `the size was past the first chunks (${reads})`);
  assert.ok(reads < parts.length, 'the head stops where the size is known');
  assert.deepEqual(await readAll(flow.open()), jpeg);
});

test('a head that never tells stops at the end of a short answer, or at its limit', async () => {
  assert.equal(await flowOf(['not', ' an image']).head(imageInfo, MAX_HEAD_BYTES), undefined);
  const source = partsSource(['0123456789', 'abcdefghij', 'never read']);
  let reads = 0;
  source.on('data', () => (reads += 1));
  const limited = new ImageFlow(source, { signal: never() });
  assert.equal(await limited.head(() => undefined, 15), undefined);
  assert.equal(reads, 2, 'the head stopped at its limit');
  assert.equal(`${await readAll(limited.open())}`, '0123456789abcdefghijnever read');
});

test('an answer shorter than it declared breaks at its end, never passing for a whole image', async () => {
  const flow = flowOf(['abc', 'de'], { length: 8 });
  await assert.rejects(wholeImage({ stream: flow, format: 'png', seed: 1, finishReason: 'SUCCESS' }), (e) => e instanceof UpstreamFailure && e.kind === 'broken');
});

test('an answer longer than it declared breaks as it passes the length, before the client holds that many bytes', async () => {
  const seen: string[] = [];
  await assert.rejects(readOut(flowOf(['abc', 'defgh'], { length: 4 }).open(), seen), (e) => e instanceof UpstreamFailure && /declared 4 bytes/.test(e.message));
  assert.ok(seen.join('').length < 4, `the client got ${JSON.stringify(seen.join(''))}`);
});

test('a body closed without an end or an error breaks the flow instead of leaving it hanging', async () => {
  const upstream = new Readable({ read() {} });
  const out = new ImageFlow(upstream, { signal: never() }).open();
  upstream.push('a');
  upstream.destroy();
  await assert.rejects(readOut(out), (e) => e instanceof UpstreamFailure && e.kind === 'broken');
});

test('once the upstream delivered, the signal no longer breaks the flow: a deadline during the capture lets the last byte out', async () => {
  const deadline = new AbortController();
  let capturing!: () => void;
  const started = new Promise<void>((resolve) => (capturing = resolve));
  let finish!: () => void;
  const heard: string[] = [];
  const flow = flowOf(['ab', 'cd'], { signal: deadline.signal, length: 4 }).use({
    end: () => (capturing(), new Promise<void>((resolve) => (finish = resolve))),
    error: (e) => (heard.push(`error ${e.message}`), e),
    close: () => void heard.push('close'),
  });
  const whole = readAll(flow.open());
  await started;
  deadline.abort(new Error('too late'));
  finish();
  assert.equal(`${await whole}`, 'abcd');
  assert.deepEqual(heard, ['close']);
});

test('an answer over the limit breaks as it passes it, and the upstream’s body is closed', async () => {
  const source = partsSource(['aaaa', 'bbbb', 'cccc']);
  const flow = new ImageFlow(source, { signal: never(), maxBytes: 6 });
  await assert.rejects(readOut(flow.open()), (e) => e instanceof UpstreamFailure && /over 6 bytes/.test(e.message));
  assert.equal(source.destroyed, true);
});

test('errors pass the failure mapping, then each stage in turn; every stage closes once, after the ends', async () => {
  const heard: string[] = [];
  const stage = (name: string) => ({
    end: () => void heard.push(`end ${name}`),
    error: (e: Error) => (heard.push(`error ${name}: ${e.message}`), new Error(`${e.message} via ${name}`)),
    close: () => void heard.push(`close ${name}`),
  });
  const flow = flowOf(['a', new Error('reset')], { failure: (e) => new Error(`mapped ${(e as Error).message}`) }).use(stage('one')).use(stage('two'));
  await assert.rejects(readOut(flow.open()), /mapped reset via one via two/);
  assert.deepEqual(heard, ['error one: mapped reset', 'error two: mapped reset via one', 'close one', 'close two']);

  heard.length = 0;
  await readOut(flowOf(['a', 'b']).use(stage('one')).use(stage('two')).open());
  assert.deepEqual(heard, ['end one', 'end two', 'close one', 'close two']);
});

test('a client that stops reading closes the upstream’s body; a stage added to a broken flow hears of it at once', async () => {
  const upstream = new Readable({ read() {} });
  let closed!: () => void;
  const stageClosed = new Promise<void>((resolve) => (closed = resolve));
  const out = new ImageFlow(upstream, { signal: never() }).use({ close: closed }).open();
  upstream.push('a');
  upstream.push('b');
  const reading = out[Symbol.asyncIterator]();
  await reading.next();
  await reading.return!();
  assert.equal(upstream.destroyed, true, 'leaving the loop destroys the client stream, and so the body');
  await stageClosed;

  const timedOut = new AbortController();
  const flow = flowOf(['a'], { signal: timedOut.signal });
  timedOut.abort(new Error('too slow'));
  const heard: string[] = [];
  // The close settles a tick later (a release in the store): the client's error still comes after it.
  flow.use({ error: (e) => (heard.push(e.message), e), close: async () => (await Promise.resolve(), void heard.push('closed')) });
  await assert.rejects(readOut(flow.open()), /too slow/);
  assert.deepEqual(heard, ['too slow', 'closed']);
});

test('cancelling a flow nobody will read closes the upstream’s body', async () => {
  const source = partsSource(['a']);
  const flow = new ImageFlow(source, { signal: never() });
  flow.cancel();
  assert.equal(source.destroyed, true);
  await assert.rejects(readOut(flow.open()), /cancelled/);
});
