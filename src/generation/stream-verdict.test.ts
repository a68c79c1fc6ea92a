import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { judgedStream, type Verdicts } from './stream-verdict.js';

function verdicts() {
  const given: string[] = [];
  const v: Verdicts = {
    success: async () => void given.push('success'),
    failure: async (e) => void given.push(`failure ${e.kind}`),
    abandon: async () => void given.push('abandon'),
  };
  return { v, given };
}
async function* parts(...items: (string | Error)[]) {
  for (const item of items) {
    if (item instanceof Error) throw item;
    yield Buffer.from(item);
  }
}
const drain = async (s: AsyncIterable<Buffer>) => {
  for await (const _ of s);
};

test('a stream read to its end is a success, given once it ends', async () => {
  const { v, given } = verdicts();
  const stream = judgedStream(parts('a', 'b'), v, new AbortController().signal);
  await stream.next();
  assert.deepEqual(given, [], 'no verdict while the image is still arriving');
  await drain(stream);
  assert.deepEqual(given, ['success']);
});

test('an upstream that breaks off mid-image is a failure', async () => {
  const { v, given } = verdicts();
  await assert.rejects(drain(judgedStream(parts('a', new UpstreamFailure('broken', 'cut', true)), v, new AbortController().signal)));
  assert.deepEqual(given, ['failure broken']);
});

test('a client that leaves, mid-stream or before the first read, abandons (once)', async () => {
  const mid = verdicts();
  const stream = judgedStream(parts('a', 'b'), mid.v, new AbortController().signal);
  await stream.next();
  await stream.return(undefined);
  assert.deepEqual(mid.given, ['abandon']);

  const never = verdicts();
  const left = new AbortController();
  const unread = judgedStream(parts('a'), never.v, left.signal);
  left.abort(new Error('gone'));
  await unread.return(undefined);
  assert.deepEqual(never.given, ['abandon']);
});
