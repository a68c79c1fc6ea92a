/** dispatch() on its own, with stand-in providers: concurrency caps, adapter bugs, aborts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCircuitBreakers } from '../channels/circuit-breaker.js';
import { memoryConcurrencyGate } from '../channels/concurrency-gate.js';
import { staticRouter, type RoutedChannel } from '../channels/router.js';
import { clientClosedRequest, GatewayError } from '../errors.js';
import { baseRequest } from '../providers/provider-suite.js';
import type { GenerationResult, Provider } from '../providers/provider.js';
import type { UsageAttempt } from '../store/store.js';
import { dispatch, type DispatchDeps } from './dispatch.js';

const image: GenerationResult = { bytes: Buffer.from('png'), format: 'png', seed: 1, finishReason: 'SUCCESS' };
const channel = (name: string, provider: Provider, over: Partial<RoutedChannel> = {}): RoutedChannel => ({
  id: `ch_${name}`, name, provider, priority: 0, weight: 1, maxConcurrency: null, timeoutMs: 10_000, models: null, ...over,
});
const deps = (channels: RoutedChannel[]): DispatchDeps => ({
  router: staticRouter(channels),
  breakers: memoryCircuitBreakers({ failures: 3, cooldownMs: 1000 }),
  gate: memoryConcurrencyGate(),
  now: Date.now,
});

describe('dispatch', () => {
  it('skips a channel whose concurrency cap is full, and uses it again once a slot frees', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    const busy: Provider = { generate: async () => (calls.push('a'), await held, image) };
    const spare: Provider = { generate: async () => (calls.push('b'), image) };
    const d = deps([channel('a', busy, { priority: 1, maxConcurrency: 1 }), channel('b', spare)]);
    const first = dispatch(d, baseRequest(), { signal: new AbortController().signal, attempts: [] });
    const second = await dispatch(d, baseRequest(), { signal: new AbortController().signal, attempts: [] });
    assert.equal(second.channel, 'b');
    release();
    assert.equal((await first).channel, 'a');
    assert.equal((await dispatch(d, baseRequest(), { signal: new AbortController().signal, attempts: [] })).channel, 'a');
    assert.deepEqual(calls, ['a', 'b', 'a']);
  });

  it('treats an adapter bug as a broken answer: 502, no failover', async () => {
    const calls: string[] = [];
    const buggy: Provider = { generate: async () => (calls.push('a'), JSON.parse('{') as GenerationResult) };
    const fine: Provider = { generate: async () => (calls.push('b'), image) };
    const attempts: UsageAttempt[] = [];
    await assert.rejects(dispatch(deps([channel('a', buggy, { priority: 1 }), channel('b', fine)]), baseRequest(), { signal: new AbortController().signal, attempts }), (e) => e instanceof GatewayError && e.status === 502);
    assert.deepEqual(calls, ['a']);
    assert.deepEqual(attempts.map((a) => a.outcome), ['broken']);
  });

  it("rethrows the client's abort reason and tries nothing else", async () => {
    const controller = new AbortController();
    const reason = clientClosedRequest();
    const calls: string[] = [];
    const hangs: Provider = {
      generate: (_r, ctx) =>
        new Promise((_, reject) => {
          calls.push('a');
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          controller.abort(reason); // the client leaves while the upstream works
        }),
    };
    const fine: Provider = { generate: async () => (calls.push('b'), image) };
    await assert.rejects(dispatch(deps([channel('a', hangs, { priority: 1 }), channel('b', fine)]), baseRequest(), { signal: controller.signal, attempts: [] }), (e) => e === reason);
    assert.deepEqual(calls, ['a']);
  });

  it('answers 503 when every channel is open-circuited or full, without calling any', async () => {
    const calls: string[] = [];
    const never: Provider = { generate: async () => (calls.push('x'), image) };
    const d = deps([channel('a', never, { maxConcurrency: 0 })]);
    await assert.rejects(dispatch(d, baseRequest(), { signal: new AbortController().signal, attempts: [] }), (e) => e instanceof GatewayError && e.code === 'no_channel_available');
    assert.deepEqual(calls, []);
  });
});

describe('dispatch when the shared store fails after the call', () => {
  it('still delivers the image when the breaker verdict and the slot release throw', async () => {
    const fine: Provider = { generate: async () => image };
    const failing = async () => {
      throw new GatewayError('service_unavailable', ['redis down']);
    };
    const d: DispatchDeps = {
      ...deps([channel('a', fine)]),
      breakers: { ...memoryCircuitBreakers({ failures: 3, cooldownMs: 1000 }), success: failing, failure: failing, abandon: failing },
      gate: { ...memoryConcurrencyGate(), release: failing },
    };
    const delivered = await dispatch(d, baseRequest(), { signal: new AbortController().signal, attempts: [] });
    assert.equal(delivered.channel, 'a');
    assert.equal(delivered.result, image);
  });
});
