/** @module Unit tests of how the Stability provider reads answers: headers, images, and every error status. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { GatewayError } from '../../errors.js';
import { json, simImage } from '../../../test/simulators/sim-kit.js';
import { baseRequest } from '../provider-suite.js';
import type { GenerationRequest } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { stabilityDefinition } from './index.js';
import { captureServer, inputImage, live, settingsFor, type Reply } from './test-capture.js';

/** Runs one generation against a server that answers with `reply`. */
async function against(reply: Reply, request: GenerationRequest = baseRequest()) {
  const sim = await captureServer(reply);
  try {
    return await stabilityDefinition.create(settingsFor(sim)).generate(request, live());
  } finally {
    await sim.close();
  }
}

const failure = (reply: Reply, request?: GenerationRequest) => against(reply, request).then(() => assert.fail('expected a rejection'), (e: unknown) => e);

const png = (width = 1024, height = 1024) => simImage(width, height, 'png', 3);

const answer = (status: number, body: unknown): Reply => (res) =>
  typeof body === 'string' ? void res.writeHead(status, { 'content-type': 'text/html' }).end(body) : json(res, status, body);

describe('stability provider: success answers', () => {
  it('passes finish-reason CONTENT_FILTERED and the reported seed through', async () => {
    const bytes = await png();
    const result = await against((res) => void res.writeHead(200, { 'content-type': 'image/png', 'finish-reason': 'CONTENT_FILTERED', seed: '99' }).end(bytes));
    assert.deepEqual([result.finishReason, result.seed, result.format], ['CONTENT_FILTERED', 99, 'png']);
    assert.ok(result.bytes.equals(bytes), 'the right image is passed as it is');
  });

  it('converts when the answer is not in the requested format, and fits it to the promised size', async () => {
    const bytes = await png(1216, 832);
    const request = baseRequest({ outputFormat: 'webp', image: await inputImage(640, 480), strength: 0.5, width: 1088, height: 896, aspectRatio: '5:4' });
    const result = await against((res) => void res.writeHead(200, { 'content-type': 'image/png', 'finish-reason': 'SUCCESS', seed: '5' }).end(bytes), request);
    const meta = await sharp(result.bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, result.format], ['webp', 1088, 896, 'webp']);
  });

  it('uses the seed it sent when the header is missing, and refuses to invent one for seed 0', async () => {
    const bytes = await png();
    const noSeed: Reply = (res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
    assert.equal((await against(noSeed, baseRequest({ seed: 77 }))).seed, 77);
    const error = await failure(noSeed, baseRequest({ seed: 0 }));
    assert.ok(error instanceof UpstreamFailure);
    assert.deepEqual([error.kind, error.retryable], ['broken', false]);
  });

  it('treats an unknown finish-reason or a 200 that is no image as broken', async () => {
    const bytes = await png();
    for (const reply of [
      ((res) => void res.writeHead(200, { 'content-type': 'image/png', 'finish-reason': 'ERROR', seed: '5' }).end(bytes)) satisfies Reply,
      answer(200, { image: 'not base64 at all', finish_reason: 'SUCCESS', seed: 5 }),
    ]) {
      const error = await failure(reply);
      assert.ok(error instanceof UpstreamFailure);
      assert.deepEqual([error.kind, error.retryable, error.status], ['broken', false, 200]);
    }
  });
});

describe('stability provider: error answers', () => {
  const id = '0123456789abcdef0123456789abcdef';
  const catalogueCases: [string, number, unknown, string, string[]][] = [
    ['400 with its errors', 400, { id, name: 'bad_request', errors: ['aspect_ratio: must be one of 21:9, 16:9', 'seed: too big'] }, 'bad_request', ['aspect_ratio: must be one of 21:9, 16:9', 'seed: too big']],
    ['400 that is not JSON', 400, '<html>bad</html>', 'bad_request', ['request: the upstream refused it (400)']],
    ['400 in the v1 shape', 400, { id, name: 'bad_request', message: 'prompt: is required' }, 'bad_request', ['prompt: is required']],
    ['403 moderation', 403, { id, name: 'content_moderation', errors: ['flagged'] }, 'content_moderation',
      ['Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.']],
    ['413', 413, { id, name: 'payload_too_large', errors: ['body: payloads cannot be larger than 10MiB in size'] }, 'payload_too_large', ['body: payloads cannot be larger than 10MiB in size']],
    ['422 invalid_language', 422, { id, name: 'invalid_language', errors: ['prompt: English is the only supported language for this service.'] }, 'invalid_language',
      ['prompt: English is the only supported language for this service.']],
    ['422 public_figure', 422, { id, name: 'public_figure', errors: ['prompt: public figures are not allowed'] }, 'public_figure', ['prompt: public figures are not allowed']],
    ['400 echoing a key', 400, { id, name: 'bad_request', errors: ['authorization: sk-abcdefghijklmnop0123 is not valid'] }, 'bad_request', ['authorization: [redacted] is not valid']],
  ];
  for (const [title, status, body, code, errors] of catalogueCases) {
    it(`${title} → the catalogue's ${code}`, async () => {
      const error = await failure(answer(status, body));
      assert.ok(error instanceof GatewayError, String(error));
      assert.deepEqual([error.code, error.status, error.errors], [code, status, errors]);
    });
  }

  const failureCases: [string, number, unknown, string][] = [
    ['401 wrong key', 401, { id, name: 'unauthorized', errors: ['authorization: invalid or missing header value'] }, 'credentials'],
    ['402 out of credit', 402, { id, name: 'payment_required', errors: ['You lack sufficient credits'] }, 'credentials'],
    ['403 permission_denied (a chained station)', 403, { id, name: 'permission_denied', errors: ['model: this key may not use sd3-large'] }, 'credentials'],
    ['403 from a firewall', 403, '<html>blocked</html>', 'server_error'],
    ['404 (a chained station without the endpoint)', 404, { id, name: 'not_found', errors: ['path: not found'] }, 'server_error'],
    ['429', 429, { id, name: 'rate_limit_exceeded', errors: ['slow down'] }, 'rate_limited'],
    ['500', 500, { id, name: 'internal_error', errors: ['oops'] }, 'server_error'],
    ['503', 503, '', 'server_error'],
  ];
  for (const [title, status, body, kind] of failureCases) {
    it(`${title} → UpstreamFailure ${kind}, retryable`, async () => {
      const error = await failure(answer(status, body));
      assert.ok(error instanceof UpstreamFailure, String(error));
      assert.deepEqual([error.kind, error.status, error.retryable], [kind, status, true]);
    });
  }
});

describe('stability provider: nothing secret in failures', () => {
  it('does not put the channel key in a failure message', async () => {
    const error = await failure(answer(401, { id: 'x', name: 'unauthorized', errors: ['nope'] }));
    assert.ok(error instanceof UpstreamFailure);
    assert.doesNotMatch(error.message, /sk-/);
  });
});

describe('stability provider: options and credentials', () => {
  it('accepts clientId and names a bad or unknown option', () => {
    assert.doesNotThrow(() => stabilityDefinition.checkOptions!({}));
    assert.doesNotThrow(() => stabilityDefinition.checkOptions!({ clientId: 'my-station' }));
    assert.throws(() => stabilityDefinition.checkOptions!({ clientID: 'x' }), /unknown option "clientID"/);
    assert.throws(() => stabilityDefinition.checkOptions!({ clientId: 'a'.repeat(257) }), /"clientId"/);
    assert.throws(() => stabilityDefinition.checkOptions!({ clientId: 'a\r\nb' }), /"clientId"/);
    assert.equal(stabilityDefinition.needsCredentials, true);
    assert.equal(stabilityDefinition.defaultBaseUrl, 'https://api.stability.ai');
  });

  it('refuses a channel without credentials before calling', async () => {
    const sim = await captureServer(() => assert.fail('no call expected'));
    const error = await stabilityDefinition.create(settingsFor(sim, { credentials: null })).generate(baseRequest(), live()).catch((e: unknown) => e);
    await sim.close();
    assert.ok(error instanceof UpstreamFailure && error.kind === 'credentials');
    assert.equal(sim.seen.length, 0);
  });
});
