import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../errors.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { chargeOnArrival, type Settlement } from './charge-on-arrival.js';
import type { GenerationTrace } from './generate-image.js';

function settlement(captures: boolean) {
  const events: string[] = [];
  const settle: Settlement = {
    capture: async () => (events.push('capture'), captures),
    release: async () => void events.push('release'),
    captured: () => void events.push('captured'),
  };
  return { settle, events };
}
const trace = (): GenerationTrace => ({ credits: 0, attempts: [{ channel: 'up', status: 200, outcome: 'ok', latencyMs: 1 }] });
async function* chunks(...parts: (string | Error)[]) {
  for (const part of parts) {
    if (part instanceof Error) throw part;
    yield Buffer.from(part);
  }
}
/** Length unknown: the last whole chunk is what waits for the capture. */
const image = (...parts: (string | Error)[]) => ({ length: undefined, chunks: chunks(...parts) });
const read = async (stream: AsyncIterable<Buffer>, seen: string[]) => {
  for await (const chunk of stream) seen.push(`${chunk}`);
};

test('the last chunk goes out only after the capture', async () => {
  const { settle, events } = settlement(true);
  const seen: string[] = [];
  const stream = chargeOnArrival(image('a', 'b', 'c'), settle, trace(), new AbortController().signal);
  for await (const chunk of stream) {
    seen.push(`${chunk}`);
    events.push(`sent ${chunk}`);
  }
  assert.deepEqual(events, ['sent a', 'sent b', 'capture', 'sent c', 'captured']);
});

test('with the length declared, only the last byte waits for the capture', async () => {
  const { settle, events } = settlement(true);
  for await (const chunk of chargeOnArrival({ length: 7, chunks: chunks('abc', 'defg') }, settle, trace(), new AbortController().signal)) events.push(`sent ${chunk}`);
  assert.deepEqual(events, ['sent abc', 'sent def', 'capture', 'sent g', 'captured']);
});

test('a hold that expired before the capture: the last chunk is withheld, the hold released, a 500 recorded', async () => {
  const { settle, events } = settlement(false);
  const seen: string[] = [];
  const t = trace();
  await assert.rejects(read(chargeOnArrival(image('a', 'b'), settle, t, new AbortController().signal), seen), (e) => e instanceof GatewayError && e.status === 500);
  assert.deepEqual(seen, ['a']);
  assert.deepEqual(events, ['capture', 'release']);
  assert.deepEqual(t.cutShort, { status: 500, errorName: 'internal_error' });
});

test('an upstream that breaks off: released, never captured, recorded as the upstream’s failure on its attempt', async () => {
  const { settle, events } = settlement(true);
  const t = trace();
  await assert.rejects(read(chargeOnArrival(image('a', 'b', new UpstreamFailure('broken', 'cut', true)), settle, t, new AbortController().signal), []), (e) => e instanceof GatewayError && e.status === 502);
  assert.deepEqual(events, ['release']);
  assert.deepEqual(t.cutShort, { status: 502, errorName: 'upstream_error' });
  assert.deepEqual(t.attempts.map((a) => a.outcome), ['broken']);
});

test('a stream dropped before its first read is released when the client leaves', async () => {
  const { settle, events } = settlement(true);
  const left = new AbortController();
  const stream = chargeOnArrival(image('a'), settle, trace(), left.signal);
  await stream.return(undefined);
  assert.deepEqual(events, []);
  left.abort(new Error('gone'));
  assert.deepEqual(events, ['release']);
});

for (const [who, reason, cutShort] of [
  ['a client that left', new GatewayError('client_closed_request', ['client: closed the connection']), undefined],
  ['the station shutting down', new GatewayError('service_unavailable', ['the station is shutting down']), { status: 503, errorName: 'service_unavailable' }],
] as const) {
  test(`a stream ended by ${who}: released once, its reason passed on, recorded as ${cutShort?.status ?? 'the default 499'}`, async () => {
    const { settle, events } = settlement(true);
    const ended = new AbortController();
    ended.abort(reason);
    const t = trace();
    await assert.rejects(read(chargeOnArrival(image('a', reason), settle, t, ended.signal), []), (e) => e === reason);
    assert.deepEqual(events, ['release'], 'released once, though the abort also fired before the first read');
    assert.deepEqual(t.cutShort, cutShort);
    assert.deepEqual(t.attempts.map((x) => x.outcome), ['ok'], 'not the upstream’s failure');
  });
}
