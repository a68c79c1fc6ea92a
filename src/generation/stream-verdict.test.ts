import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { flowOf, readOut } from '../../test/helpers/flows.js';
import { ImageFlow } from '../providers/image-flow.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { verdictStage, type Verdicts } from './stream-verdict.js';

function verdicts() {
  const given: string[] = [];
  let heard!: () => void;
  const once = new Promise<void>((resolve) => (heard = resolve));
  const note = (verdict: string) => async () => void (given.push(verdict), heard());
  const v: Verdicts = { success: note('success'), failure: async (e) => note(`failure ${e.kind}`)(), abandon: note('abandon') };
  return { v, given, once };
}

test('a flow read to its end is a success, given once it ends', async () => {
  const { v, given } = verdicts();
  const upstream = new Readable({ read() {} });
  const out = new ImageFlow(upstream, { signal: new AbortController().signal }).use(verdictStage(v)).open();
  const reading = out[Symbol.asyncIterator]();
  // Length unknown: each chunk waits for the next, so 'a' goes out once 'b' is in.
  upstream.push('a');
  upstream.push('b');
  assert.equal(`${(await reading.next()).value as Buffer}`, 'a');
  assert.deepEqual(given, [], 'no verdict while the image is still arriving');
  upstream.push(null);
  assert.equal(`${(await reading.next()).value as Buffer}`, 'b');
  assert.deepEqual(given, ['success']);
});

test('an upstream that breaks off mid-image is a failure', async () => {
  const { v, given } = verdicts();
  await assert.rejects(readOut(flowOf(['a', new UpstreamFailure('broken', 'cut', true)]).use(verdictStage(v)).open()));
  assert.deepEqual(given, ['failure broken']);
});

test('a failure after the upstream delivered (the charge) leaves the success standing', async () => {
  const { v, given } = verdicts();
  const flow = flowOf(['a', 'b']).use(verdictStage(v)).use({ end: () => Promise.reject(new Error('the hold expired')) });
  await assert.rejects(readOut(flow.open()));
  assert.deepEqual(given, ['success']);
});

test('a client that leaves, mid-stream or before the flow opens, abandons (once)', async () => {
  const mid = verdicts();
  const upstream = new Readable({ read() {} });
  const out = new ImageFlow(upstream, { signal: new AbortController().signal }).use(verdictStage(mid.v)).open();
  upstream.push('a');
  upstream.push('b');
  await out[Symbol.asyncIterator]().next();
  out.destroy();
  await mid.once;
  assert.deepEqual(mid.given, ['abandon']);

  const never = verdicts();
  const left = new AbortController();
  flowOf(['a'], { signal: left.signal }).use(verdictStage(never.v));
  left.abort(new Error('gone'));
  await never.once;
  assert.deepEqual(never.given, ['abandon']);
});
