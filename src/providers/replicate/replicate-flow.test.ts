/** @module Tests of the replicate adapter on the wire: the exact create call, polling, where the token may go, seeds, output fitting. */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { json, simImage, startSimulator, type Simulator } from '../../../test/simulators/sim-kit.js';
import { REPLICATE_SIM_TOKEN, startReplicateSimulator } from '../../../test/simulators/replicate.js';
import { baseRequest } from '../provider-suite.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { createReplicateProvider } from './index.js';

const TOKEN = 'r8_TestToken';
const signal = () => ({ signal: AbortSignal.timeout(10_000) });
const servers: Simulator[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

interface Seen { method: string; path: string; headers: IncomingHttpHeaders; body: string }

/** A scripted Replicate: `answer` gets each request in turn and the list of all seen so far. */
async function fake(answer: (seen: Seen, all: Seen[], url: string) => Promise<[number, unknown]> | [number, unknown]): Promise<{ sim: Simulator; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sim = await startSimulator(async (req, res, body) => {
    const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8') };
    seen.push(entry);
    const [status, payload] = await answer(entry, seen, sim.url);
    if (Buffer.isBuffer(payload)) return void (res.writeHead(status, { 'content-type': 'image/webp' }), res.end(payload));
    json(res, status, payload);
  });
  servers.push(sim);
  return { sim, seen };
}

/** A file server on another origin, recording the Authorization header it was sent. */
async function otherOrigin(bytes: Buffer): Promise<{ sim: Simulator; auth: (string | undefined)[] }> {
  const auth: (string | undefined)[] = [];
  const sim = await startSimulator((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200).end(bytes);
  });
  servers.push(sim);
  return { sim, auth };
}

const provider = (baseUrl: string, credentials: string | null = TOKEN) =>
  createReplicateProvider({ baseUrl, credentials, modelMap: {}, options: { pollIntervalMs: 10, waitSeconds: 30 } });

describe('replicate: the create call on the wire', () => {
  it('posts {"input": ...} to the official-model path with the bearer token and Prefer: wait', async () => {
    const image = await simImage(1024, 1024, 'png', 5);
    const { sim, seen } = await fake((s, _all, url) =>
      s.method === 'POST' ? [201, { id: 'p1', status: 'succeeded', output: `${url}/files/out-0.png` }] : [200, image]);
    const result = await provider(`${sim.url}/`).generate(baseRequest({ seed: 77 }), signal());
    assert.deepEqual([seen[0]!.method, seen[0]!.path], ['POST', '/v1/models/stability-ai/stable-diffusion-3.5-large/predictions']);
    assert.equal(seen[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(seen[0]!.headers.prefer, 'wait=30');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[0]!.body), { input: { prompt: 'a lighthouse on a cliff', aspect_ratio: '1:1', seed: 77, output_format: 'png', negative_prompt: 'fog', cfg: 4 } });
    // Same origin as the API: the file request carries the token (API-hosted files need it).
    assert.deepEqual([seen[1]!.path, seen[1]!.headers.authorization], ['/files/out-0.png', `Bearer ${TOKEN}`]);
    assert.ok(result.bytes.equals(image));
    assert.deepEqual([result.seed, result.format, result.finishReason], [77, 'png', 'SUCCESS']);
  });

  it('refuses to run without a token, before sending anything', async () => {
    const error = await provider('http://127.0.0.1:9', null).generate(baseRequest(), signal()).catch((e: unknown) => e);
    assert.ok(error instanceof UpstreamFailure);
    assert.deepEqual([error.kind, error.sent], ['credentials', false]);
  });
});

describe('replicate: the token stays on the channel origin', () => {
  it('ignores a urls.get on another host and fetches a foreign output URL without the token', async () => {
    const files = await otherOrigin(await simImage(1024, 1024, 'png', 9));
    const { sim, seen } = await fake((s, all) => {
      if (s.method === 'POST') return [201, { id: 'p2', status: 'processing', urls: { get: `${files.sim.url}/steal` } }];
      return all.length < 3 ? [200, { id: 'p2', status: 'processing' }] : [200, { id: 'p2', status: 'succeeded', output: [`${files.sim.url}/out.png`] }];
    });
    await provider(sim.url).generate(baseRequest(), signal());
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['POST /v1/models/stability-ai/stable-diffusion-3.5-large/predictions', 'GET /v1/predictions/p2', 'GET /v1/predictions/p2']);
    assert.ok(seen.every((s) => s.headers.authorization === `Bearer ${TOKEN}`));
    assert.deepEqual(files.sim.requests, ['GET /out.png']);
    assert.deepEqual(files.auth, [undefined]);
  });
});

describe('replicate: polling', () => {
  it('rides out two 503s while polling, then finishes', async () => {
    const image = await simImage(1024, 1024, 'png', 3);
    const { sim, seen } = await fake((s, all, url) => {
      if (s.method === 'POST') return [202, { id: 'p3', status: 'starting' }];
      if (s.path.startsWith('/files')) return [200, image];
      return all.length <= 3 ? [503, { title: 'Service Unavailable', detail: 'busy', status: 503 }] : [200, { id: 'p3', status: 'succeeded', output: `${url}/files/o.png` }];
    });
    await provider(sim.url).generate(baseRequest(), signal());
    assert.equal(seen.filter((s) => s.path === '/v1/predictions/p3').length, 3);
  });

  it('never fails over once the prediction exists: a 404 poll or a 500 file is broken', async () => {
    for (const [pollStatus, fileStatus] of [[404, 200], [200, 500]] as const) {
      const { sim } = await fake((s, _all, url) => {
        if (s.method === 'POST') return [201, { id: 'p4', status: 'processing' }];
        if (s.path.startsWith('/files')) return [fileStatus, { title: 'x', detail: 'y', status: fileStatus }];
        return [pollStatus, pollStatus === 200 ? { id: 'p4', status: 'succeeded', output: `${url}/files/o.png` } : { title: 'Not found', status: 404 }];
      });
      const error = await provider(sim.url).generate(baseRequest(), signal()).catch((e: unknown) => e);
      assert.ok(error instanceof UpstreamFailure);
      assert.deepEqual([error.kind, error.retryable], ['broken', false]);
    }
  });
});

describe('replicate: seeds and output', () => {
  it('draws a seed for seed 0, sends it and reports the same one', async () => {
    const sim = await startReplicateSimulator();
    servers.push(sim);
    const result = await provider(sim.url, REPLICATE_SIM_TOKEN).generate(baseRequest({ seed: 0 }), signal());
    assert.ok(result.seed >= 1 && result.seed <= 4294967294);
    assert.equal(sim.calls.at(-1)?.seed, result.seed);
  });

  it('converts and crops when the model ignores the format or the size', async () => {
    const webp = await simImage(1000, 1100, 'webp', 1);
    const { sim } = await fake((s, _all, url) => (s.method === 'POST' ? [201, { id: 'p5', status: 'succeeded', output: `${url}/f.webp` }] : [200, webp]));
    const result = await provider(sim.url).generate(baseRequest({ outputFormat: 'png', width: 1344, height: 768, aspectRatio: '16:9' }), signal());
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, result.format], ['png', 1344, 768, 'png']);
  });
});
