/** @module How the ComfyUI provider classifies failures, before and after the workflow is queued. */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { startComfyuiSimulator } from '../../../test/simulators/comfyui.js';
import { json, simImage, startSimulator, type Simulator } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import type { GenerationRequest } from '../provider.js';
import { UpstreamFailure, type FailureKind } from '../upstream-failure.js';
import { comfyuiDefinition } from './index.js';

const sims: Simulator[] = [];
after(() => Promise.all(sims.map((s) => s.close())));
const started = async <T extends Simulator>(sim: Promise<T>) => (sims.push(await sim), sim);

async function failure(sim: Simulator, over: { credentials?: string | null; options?: Record<string, unknown>; request?: GenerationRequest; signal?: AbortSignal } = {}) {
  const provider = comfyuiDefinition.create({ baseUrl: sim.url, credentials: over.credentials ?? null, modelMap: {}, options: { pollIntervalMs: 2, ...over.options } });
  const error = await provider.generate(over.request ?? baseRequest(), { signal: over.signal ?? AbortSignal.timeout(10_000) }).then(() => assert.fail('expected a failure'), (e: unknown) => e);
  assert.ok(error instanceof UpstreamFailure, String(error));
  return error;
}
const expect = (error: UpstreamFailure, kind: FailureKind, retryable: boolean, status?: number) =>
  assert.deepEqual([error.kind, error.retryable, error.status], [kind, retryable, status]);

/** A hand-written ComfyUI for answers the simulator never gives: /prompt works, the rest is `route`. */
const scripted = (route: (path: string, res: ServerResponse) => Promise<void> | void) =>
  started(startSimulator(async (req, res) => (req.url === '/prompt' ? json(res, 200, { prompt_id: 'p-1', number: 0, node_errors: {} }) : route(req.url ?? '', res))));
const finished = (images: unknown[]) => ({ 'p-1': { outputs: { '9': { images } }, status: { status_str: 'success', completed: true, messages: [] } } });

describe('comfyui failures before the workflow is queued (safe to fail over)', () => {
  it('a workflow ComfyUI refuses (400) is the channel\'s fault: server_error with ComfyUI\'s own reason', async () => {
    const error = await failure(await started(startComfyuiSimulator()), { options: { sampler: 'nope' } });
    expect(error, 'server_error', true, 400);
    assert.match(error.message, /prompt_outputs_failed_validation: Prompt outputs failed validation; node 3 KSampler: Value not in list: sampler_name: 'nope' not in/);
  });

  it('the proxy refusing the token (401, 403) is credentials; 429 rate_limited; 5xx server_error', async () => {
    const sim = await started(startComfyuiSimulator({ credentials: 'tok' }));
    expect(await failure(sim), 'credentials', true, 401);
    expect(await failure(sim, { credentials: 'nope' }), 'credentials', true, 401);
    for (const [status, kind] of [[403, 'credentials'], [429, 'rate_limited'], [400, 'server_error'], [502, 'server_error'], [503, 'server_error']] as const) {
      sim.faults.push({ kind: 'status', status });
      expect(await failure(sim, { credentials: 'tok' }), kind, true, status);
    }
  });

  it('sends basic auth as user:password when auth=basic', async () => {
    const sim = await started(startComfyuiSimulator({ credentials: 'aigate:pa:ss' }));
    await comfyuiDefinition.create({ baseUrl: sim.url, credentials: 'aigate:pa:ss', modelMap: {}, options: { auth: 'basic', pollIntervalMs: 2 } }).generate(baseRequest(), { signal: AbortSignal.timeout(10_000) });
    assert.equal(sim.calls.at(-1)!.credential, 'aigate:pa:ss');
  });

  it('an upload that fails in any way is retryable: nothing can have been generated', async () => {
    const image = { bytes: await simImage(64, 64, 'png', 1), format: 'png' as const, width: 64, height: 64 };
    const request = baseRequest({ image, strength: 0.5 });
    const tooLarge = await scripted((_, res) => void res.writeHead(413, { 'content-type': 'text/plain' }).end('413: Request Entity Too Large'));
    expect(await failure(tooLarge, { request }), 'server_error', true, 413);
    const reset = await scripted((_, res) => void res.socket?.destroy());
    expect(await failure(reset, { request }), 'server_error', true, undefined);
  });

  it('a 200 from /prompt without a prompt_id is broken', async () => {
    const sim = await started(startSimulator((_, res) => json(res, 200, { number: 1 })));
    expect(await failure(sim), 'broken', false, 200);
  });
});

describe('comfyui failures after the workflow is queued', () => {
  it('ComfyUI reporting a failed run (status_str error) is a server_error naming the node', async () => {
    const notAnImage = { bytes: Buffer.from('definitely not an image'), format: 'png' as const, width: 64, height: 64 };
    const error = await failure(await started(startComfyuiSimulator({ pollSteps: 1 })), { request: baseRequest({ image: notAnImage, strength: 0.5 }) });
    expect(error, 'server_error', true, undefined);
    assert.match(error.message, /^comfyui execution failed: node 10 \(LoadImage\): PIL\.UnidentifiedImageError: cannot identify image file 'aigate-.*\.png'$/);
  });

  const afterQueue: Array<[string, (path: string, res: ServerResponse) => Promise<void> | void, number | undefined]> = [
    ['/history answering 500', (_, res) => void res.writeHead(500).end('500 Internal Server Error'), 500],
    ['/history answering 401 (the proxy changed its mind)', (_, res) => void res.writeHead(401).end(), 401],
    ['/history answering HTML', (_, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'), 200],
    ['/history dropping the connection', (_, res) => void res.socket?.destroy(), undefined],
    ['a finished entry without an image', (_, res) => json(res, 200, finished([])), 200],
    ['/view answering 404', (path, res) => (path.startsWith('/history') ? json(res, 200, finished([{ filename: 'a.png', subfolder: '', type: 'output' }])) : void res.writeHead(404).end()), 404],
  ];
  for (const [name, route, status] of afterQueue) {
    it(`${name} is broken: never fail over once ComfyUI may be generating`, async () => expect(await failure(await scripted(route)), 'broken', false, status));
  }

  it('/view answering something that is no image is broken', async () => {
    const sim = await scripted((path, res) => (path.startsWith('/history') ? json(res, 200, finished([{ filename: 'a.png', subfolder: '', type: 'output' }])) : void res.writeHead(200).end('<html>')));
    expect(await failure(sim), 'broken', false, undefined);
  });

  it('downloads from /view with the filename, subfolder and type the history gave', async () => {
    const sim = await scripted(async (path, res) => {
      if (path.startsWith('/history')) return json(res, 200, finished([{ filename: 'x y.png', subfolder: 'aigate/day 1', type: 'output' }]));
      res.writeHead(200, { 'content-type': 'image/png' }).end(await simImage(64, 64, 'png', 3));
    });
    await comfyuiDefinition.create({ baseUrl: sim.url, credentials: null, modelMap: {}, options: {} }).generate(baseRequest(), { signal: AbortSignal.timeout(10_000) });
    assert.equal(sim.requests.at(-1), 'GET /view?filename=x+y.png&subfolder=aigate%2Fday+1&type=output');
  });

  it('a run that never finishes ends in a timeout that is not retried; a client abort rejects with its reason', async () => {
    const sim = await scripted((_, res) => json(res, 200, {}));
    expect(await failure(sim, { signal: AbortSignal.timeout(150) }), 'timeout', false, undefined);
    const controller = new AbortController();
    const reason = new Error('client left');
    const pending = comfyuiDefinition.create({ baseUrl: sim.url, credentials: null, modelMap: {}, options: { pollIntervalMs: 2 } }).generate(baseRequest(), { signal: controller.signal });
    const polls = sim.requests.length;
    await new Promise<void>((resolve) => { const wait = () => (sim.requests.length > polls + 2 ? resolve() : setImmediate(wait)); wait(); });
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
  });

  it('frees ComfyUI of a prompt the client abandoned: deleted from the queue and interrupted by id', async () => {
    const sim = await started(startComfyuiSimulator({ pollSteps: 1_000_000 }));
    for (const interrupt of [true, false]) {
      const controller = new AbortController();
      const provider = comfyuiDefinition.create({ baseUrl: sim.url, credentials: null, modelMap: {}, options: { pollIntervalMs: 2, interruptAbandoned: String(interrupt) } });
      const pending = provider.generate(baseRequest(), { signal: controller.signal });
      // Abort once the prompt is queued and being polled.
      await new Promise<void>((resolve) => { const wait = () => (sim.requests.some((r) => r.startsWith('GET /history/')) ? resolve() : setImmediate(wait)); wait(); });
      const cancelled = sim.nextCancel();
      controller.abort(new Error('client left'));
      await assert.rejects(pending, /client left/);
      await cancelled;
      if (interrupt) await (sim.interrupted.length ? Promise.resolve() : sim.nextCancel());
      const promptId = sim.requests.find((r) => r.startsWith('GET /history/'))!.slice('GET /history/'.length);
      if (interrupt) assert.deepEqual([sim.deleted, sim.interrupted], [[promptId], [promptId]]);
      else assert.equal(sim.deleted.length, 2, 'deleted again, and no second interrupt');
      assert.equal(sim.interrupted.length, 1);
      sim.requests.length = 0;
    }
  });

  it('lets nothing be cancelled for a prompt that finished', async () => {
    const sim = await started(startComfyuiSimulator());
    await comfyuiDefinition.create({ baseUrl: sim.url, credentials: null, modelMap: {}, options: { pollIntervalMs: 2 } }).generate(baseRequest(), { signal: AbortSignal.timeout(10_000) });
    assert.deepEqual([sim.deleted, sim.interrupted], [[], []]);
    assert.ok(!sim.requests.some((r) => r.startsWith('POST /queue') || r.startsWith('POST /interrupt')));
  });
});
