/**
 * @module The one contract every provider passes, run against each provider's simulator (see
 * `<provider>/<provider>.contract.test.ts`). Skips must be named with a reason. Not a `.test.ts`
 * file: each provider's test file calls it with its fixture.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { clientClosedRequest, GatewayError } from '../errors.js';
import type { Simulator } from '../../test/simulators/sim-kit.js';
import type { ChannelSettings, GenerationRequest, ProviderDefinition } from './provider.js';
import { UpstreamFailure, type FailureKind } from './upstream-failure.js';

export type ContractCase =
  | 'text-to-image' | 'formats' | 'seed' | 'random-seed' | 'image-to-image' | 'negative-prompt' | 'model-map'
  | 'credentials' | 'server-error' | 'rate-limited' | 'unreachable' | 'timeout-after-send' | 'reset'
  | 'reset-mid-body' | 'garbage' | 'moderation' | 'bad-request' | 'client-abort';

export interface ProviderFixture {
  name: string;
  definition: ProviderDefinition;
  startSimulator(): Promise<Simulator>;
  /** Credentials the simulator accepts. */
  credentials: string | null;
  /** Credentials it refuses; omit only with a `credentials` skip. */
  wrongCredentials?: string;
  options?: Record<string, unknown>;
  /** Cases this provider cannot meet, each with the reason. */
  skip?: Partial<Record<ContractCase, string>>;
  /** False for a provider with no upstream (the sandbox): what the simulator saw is not checked. */
  hasUpstream?: boolean;
}

const UPSTREAM_CASES: readonly ContractCase[] = [
  'model-map', 'credentials', 'server-error', 'rate-limited', 'unreachable', 'timeout-after-send', 'reset', 'reset-mid-body', 'garbage', 'moderation', 'bad-request',
];

export const baseRequest = (overrides: Partial<GenerationRequest> = {}): GenerationRequest => ({
  endpoint: 'sd3',
  model: 'sd3.5-large',
  prompt: 'a lighthouse on a cliff',
  negativePrompt: 'fog',
  width: 1024,
  height: 1024,
  aspectRatio: '1:1',
  seed: 1234,
  outputFormat: 'png',
  cfgScale: 4,
  ...overrides,
});

async function rejectsWith(promise: Promise<unknown>, kind: FailureKind, retryable: boolean) {
  const error = await promise.then(
    () => assert.fail(`expected an UpstreamFailure(${kind})`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UpstreamFailure, `expected UpstreamFailure(${kind}), got ${String(error)}`);
  assert.equal(error.kind, kind);
  assert.equal(error.retryable, retryable, `retryable for ${kind}`);
}

async function rejectsWithCatalogue(promise: Promise<unknown>, code: string) {
  const error = await promise.then(() => assert.fail(`expected GatewayError(${code})`), (e: unknown) => e);
  assert.ok(error instanceof GatewayError, `expected GatewayError(${code}), got ${String(error)}`);
  assert.equal(error.code, code);
}

export function runProviderContract(fixture: ProviderFixture): void {
  describe(`provider contract: ${fixture.name}`, () => {
    let sim: Simulator;
    const settings = (over: Partial<ChannelSettings> = {}): ChannelSettings => ({
      baseUrl: sim.url,
      credentials: fixture.credentials,
      modelMap: {},
      options: fixture.options ?? {},
      ...over,
    });
    const provider = (over: Partial<ChannelSettings> = {}) => fixture.definition.create(settings(over));
    const signal = () => AbortSignal.timeout(20_000);
    const upstream = fixture.hasUpstream !== false;
    const skipOf = (name: ContractCase) => fixture.skip?.[name] ?? (!upstream && UPSTREAM_CASES.includes(name) ? 'no upstream to fail or to map models for' : undefined);
    const test = (name: ContractCase, body: () => Promise<void>) => it(name, skipOf(name) ? { skip: skipOf(name) } : {}, body);
    /** What the upstream saw last; nothing to check for a provider without one. */
    const seen = () => (upstream ? sim.calls.at(-1) : undefined);
    const checkSeen = (check: (call: NonNullable<ReturnType<typeof seen>>) => void) => {
      if (!upstream) return;
      const call = seen();
      assert.ok(call, 'the upstream saw the call');
      check(call);
    };

    before(async () => {
      sim = await fixture.startSimulator();
    });
    after(async () => sim.close());

    test('text-to-image', async () => {
      const result = await provider().generate(baseRequest({ width: 1344, height: 768, aspectRatio: '16:9' }), { signal: signal() });
      const meta = await sharp(result.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, result.format], ['png', 1344, 768, 'png']);
      assert.equal(result.finishReason, 'SUCCESS');
      checkSeen((call) => {
        assert.equal(call.prompt, 'a lighthouse on a cliff');
        assert.equal(call.credential ?? null, fixture.credentials);
      });
    });

    test('formats', async () => {
      for (const format of ['png', 'jpeg', 'webp'] as const) {
        const result = await provider().generate(baseRequest({ outputFormat: format }), { signal: signal() });
        assert.equal((await sharp(result.bytes).metadata()).format, format);
        assert.equal(result.format, format);
      }
    });

    test('seed', async () => {
      const result = await provider().generate(baseRequest({ seed: 987654 }), { signal: signal() });
      assert.equal(result.seed, 987654);
      checkSeen((call) => assert.equal(call.seed, 987654));
    });

    test('random-seed', async () => {
      const result = await provider().generate(baseRequest({ seed: 0 }), { signal: signal() });
      assert.ok(Number.isInteger(result.seed) && result.seed > 0 && result.seed <= 4_294_967_294, `seed ${result.seed}`);
    });

    test('negative-prompt', async () => {
      const plain = await provider().generate(baseRequest({ negativePrompt: undefined }), { signal: signal() });
      const negated = await provider().generate(baseRequest({ negativePrompt: 'blurry' }), { signal: signal() });
      checkSeen((call) => assert.equal(call.negativePrompt, 'blurry'));
      if (!upstream) assert.notDeepEqual(negated.bytes, plain.bytes, 'the negative prompt changes the picture');
    });

    test('image-to-image', async () => {
      const input = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366aa' } }).png().toBuffer();
      const request = baseRequest({ image: { bytes: input, format: 'png', width: 640, height: 480 }, strength: 0.6, width: 1088, height: 896, aspectRatio: '5:4' });
      const result = await provider().generate(request, { signal: signal() });
      const meta = await sharp(result.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1088, 896]);
      checkSeen((call) => {
        assert.equal(call.hasImage, true);
        assert.equal(call.strength, 0.6);
      });
    });

    test('model-map', async () => {
      await provider({ modelMap: { 'sd3.5-large': 'mapped-upstream-model' } }).generate(baseRequest(), { signal: signal() });
      assert.equal(sim.calls.at(-1)?.model, 'mapped-upstream-model');
    });

    test('credentials', async () => {
      await rejectsWith(provider({ credentials: fixture.wrongCredentials ?? 'wrong' }).generate(baseRequest(), { signal: signal() }), 'credentials', true);
    });

    test('server-error', async () => {
      sim.faults.push({ kind: 'status', status: 500 });
      await rejectsWith(provider().generate(baseRequest(), { signal: signal() }), 'server_error', true);
    });

    test('rate-limited', async () => {
      sim.faults.push({ kind: 'status', status: 429 });
      await rejectsWith(provider().generate(baseRequest(), { signal: signal() }), 'rate_limited', true);
    });

    test('unreachable', async () => {
      await rejectsWith(provider({ baseUrl: 'http://127.0.0.1:9' }).generate(baseRequest(), { signal: signal() }), 'unreachable', true);
    });

    test('timeout-after-send', async () => {
      sim.faults.push({ kind: 'slow', ms: 30_000 });
      await rejectsWith(provider().generate(baseRequest(), { signal: AbortSignal.timeout(300) }), 'timeout', false);
    });

    test('reset', async () => {
      sim.faults.push({ kind: 'reset' });
      await rejectsWith(provider().generate(baseRequest(), { signal: signal() }), 'broken', false);
    });

    test('reset-mid-body', async () => {
      sim.faults.push({ kind: 'reset-mid-body' });
      await rejectsWith(provider().generate(baseRequest(), { signal: signal() }), 'broken', false);
    });

    test('garbage', async () => {
      sim.faults.push({ kind: 'garbage' });
      await rejectsWith(provider().generate(baseRequest(), { signal: signal() }), 'broken', false);
    });

    test('moderation', async () => {
      sim.faults.push({ kind: 'moderation' });
      await rejectsWithCatalogue(provider().generate(baseRequest(), { signal: signal() }), 'content_moderation');
    });

    test('bad-request', async () => {
      sim.faults.push({ kind: 'status', status: 400 });
      await rejectsWithCatalogue(provider().generate(baseRequest(), { signal: signal() }), 'bad_request');
    });

    test('client-abort', async () => {
      sim.faults.push({ kind: 'slow', ms: 30_000 });
      const controller = new AbortController();
      const reason = clientClosedRequest();
      const before = sim.requests.length;
      const pending = provider().generate(baseRequest(), { signal: controller.signal });
      // Abort once the upstream has the request (not on a timer); with no upstream, at once.
      await new Promise<void>((resolve) => {
        const check = () => (!upstream || sim.requests.length > before ? resolve() : setImmediate(check));
        check();
      });
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
    });
  });
}
