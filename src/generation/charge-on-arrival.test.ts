import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { flowOf, readOut, type Part } from '../../test/helpers/flows.js';
import { GatewayError } from '../errors.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { chargeStage, type Settlement } from './charge-on-arrival.js';
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
const charged = (parts: Part[], settle: Settlement, t: GenerationTrace, signal = new AbortController().signal, length?: number) =>
  flowOf(parts, { signal, length }).use(chargeStage(settle, t, signal));
/** Notes each chunk in `events` as it reaches the client (synchronously, as the flow pushes it). */
const readNoting = (out: Readable, events: string[]) =>
  new Promise<void>((resolve, reject) => {
    out.on('data', (chunk: Buffer) => void events.push(`sent ${chunk}`));
    out.once('end', resolve).once('error', reject);
  });

test('the last chunk goes out only after the capture (length unknown: the last whole chunk waits)', async () => {
  const { settle, events } = settlement(true);
  await readNoting(charged(['a', 'b', 'c'], settle, trace()).open(), events);
  assert.deepEqual(events, ['sent a', 'sent b', 'capture', 'sent c', 'captured']);
});

test('with the length declared, only the last byte waits for the capture', async () => {
  const { settle, events } = settlement(true);
  await readNoting(charged(['abc', 'defg'], settle, trace(), undefined, 7).open(), events);
  assert.deepEqual(events, ['sent abc', 'sent def', 'capture', 'sent g', 'captured']);
});

test('a hold that expired before the capture: the last chunk is withheld, the hold released, a 500 recorded', async () => {
  const { settle, events } = settlement(false);
  const seen: string[] = [];
  const t = trace();
  await assert.rejects(readOut(charged(['a', 'b'], settle, t).open(), seen), (e) => e instanceof GatewayError && e.status === 500);
  assert.ok(!seen.includes('b'), 'the last chunk never went out');
  assert.deepEqual(events, ['capture', 'release']);
  assert.deepEqual(t.cutShort, { status: 500, errorName: 'internal_error' });
});

test('an upstream that breaks off: released, never captured, recorded as the upstream’s failure on its attempt', async () => {
  const { settle, events } = settlement(true);
  const t = trace();
  await assert.rejects(readOut(charged(['a', 'b', new UpstreamFailure('broken', 'cut', true)], settle, t).open()), (e) => e instanceof GatewayError && e.status === 502);
  assert.deepEqual(events, ['release']);
  assert.deepEqual(t.cutShort, { status: 502, errorName: 'upstream_error' });
  assert.deepEqual(t.attempts.map((a) => a.outcome), ['broken']);
});

test('a flow never opened is released when the client leaves', async () => {
  const { settle, events } = settlement(true);
  const left = new AbortController();
  let released!: () => void;
  const done = new Promise<void>((resolve) => (released = resolve));
  flowOf(['a'], { signal: left.signal }).use(chargeStage({ ...settle, release: async () => (await settle.release(), released()) }, trace(), left.signal));
  assert.deepEqual(events, []);
  left.abort(new Error('gone'));
  await done;
  assert.deepEqual(events, ['release']);
});

test('a client that leaves while the capture runs: the capture stands, and is reported once it settles, never released', async () => {
  const { settle, events } = settlement(true);
  let capturing!: () => void;
  const started = new Promise<void>((resolve) => (capturing = resolve));
  let finish!: (ok: boolean) => void;
  let reported!: () => void;
  const settledOnce = new Promise<void>((resolve) => (reported = resolve));
  const slow: Settlement = {
    capture: () => (capturing(), new Promise<boolean>((resolve) => (finish = resolve))),
    release: async () => (await settle.release(), reported()),
    captured: () => (settle.captured(), reported()),
  };
  const out = charged(['a', 'b'], slow, trace()).open();
  out.resume();
  await started;
  out.destroy();
  finish(true);
  await settledOnce;
  assert.deepEqual(events, ['captured']);
});

for (const [who, reason, cutShort] of [
  ['a client that left', new GatewayError('client_closed_request', ['client: closed the connection']), undefined],
  ['the station shutting down', new GatewayError('service_unavailable', ['the station is shutting down']), { status: 503, errorName: 'service_unavailable' }],
] as const) {
  test(`a flow ended by ${who}: released once, its reason passed on, recorded as ${cutShort?.status ?? 'the default 499'}`, async () => {
    const { settle, events } = settlement(true);
    const ended = new AbortController();
    ended.abort(reason);
    const t = trace();
    await assert.rejects(readOut(charged(['a', reason], settle, t, ended.signal).open()), (e) => e === reason);
    assert.deepEqual(events, ['release'], 'released once, though the abort also fired before the first read');
    assert.deepEqual(t.cutShort, cutShort);
    assert.deepEqual(t.attempts.map((x) => x.outcome), ['ok'], 'not the upstream’s failure');
  });
}
