/** @module Unit tests of the replicate adapter's request mapping, model mapping, options and error classification. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { GatewayError } from '../../errors.js';
import { baseRequest } from '../provider-suite.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureFor, readProblem } from './errors.js';
import { checkReplicateOptions } from './index.js';
import { buildInput } from './input.js';
import { parseModelId, upstreamModel } from './models.js';
import { outputUrl, parsePrediction } from './prediction.js';

const large = parseModelId('stability-ai/stable-diffusion-3.5-large')!;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function failure(error: unknown): { kind: string; retryable: boolean; status: number | undefined; message: string } {
  assert.ok(error instanceof UpstreamFailure, `expected an UpstreamFailure, got ${String(error)}`);
  return { kind: error.kind, retryable: error.retryable, status: error.status, message: error.message };
}

describe('replicate: input mapping', () => {
  it('maps a text-to-image request field by field', async () => {
    const request = baseRequest({ aspectRatio: '16:9', width: 1344, height: 768, outputFormat: 'jpeg', cfgScale: 3.5 });
    assert.deepEqual(await buildInput(request, large, 987654), {
      prompt: 'a lighthouse on a cliff', aspect_ratio: '16:9', seed: 987654, output_format: 'jpg', negative_prompt: 'fog', cfg: 3.5,
    });
  });

  it('sends png and webp by their own names and leaves cfg out when the request has none', async () => {
    assert.equal((await buildInput(baseRequest({ outputFormat: 'png' }), large, 1)).output_format, 'png');
    const webp = await buildInput(baseRequest({ outputFormat: 'webp', cfgScale: undefined, negativePrompt: undefined }), large, 1);
    assert.deepEqual(webp, { prompt: 'a lighthouse on a cliff', aspect_ratio: '1:1', seed: 1, output_format: 'webp' });
  });

  it('never sends negative_prompt to the turbo model, whose schema lacks it', async () => {
    const turbo = parseModelId('stability-ai/stable-diffusion-3.5-large-turbo')!;
    assert.equal('negative_prompt' in (await buildInput(baseRequest({ negativePrompt: 'fog' }), turbo, 1)), false);
  });

  it('maps image-to-image: a JPEG data URI cropped to the output size, strength as prompt_strength', async () => {
    const bytes = await sharp({ create: { width: 640, height: 480, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const request = baseRequest({ image: { bytes, format: 'png', width: 640, height: 480 }, strength: 0.35, width: 1088, height: 896, aspectRatio: '5:4' });
    const input = await buildInput(request, large, 42);
    assert.equal(input.prompt_strength, 0.35);
    assert.equal(input.aspect_ratio, '5:4');
    const uri = String(input.image);
    assert.match(uri, /^data:image\/jpeg;base64,/);
    const decoded = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64');
    const meta = await sharp(decoded).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1088, 896]);
    const { data } = await sharp(decoded).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0]! > 240, 'transparency is flattened onto white');
  });
});

describe('replicate: model mapping', () => {
  const model = (id: string, modelMap: Record<string, string> = {}, endpoint: 'sd3' | 'ultra' | 'core' = 'sd3') => {
    const { owner, name } = upstreamModel(baseRequest({ model: id, endpoint }), modelMap);
    return `${owner}/${name}`;
  };

  it('maps the station ids to Stability models on Replicate', () => {
    assert.equal(model('sd3.5-large'), 'stability-ai/stable-diffusion-3.5-large');
    assert.equal(model('sd3.5-large-turbo'), 'stability-ai/stable-diffusion-3.5-large-turbo');
    assert.equal(model('sd3.5-medium'), 'stability-ai/stable-diffusion-3.5-medium');
    assert.equal(model('sd3-medium'), 'stability-ai/stable-diffusion-3');
    assert.equal(model('sd3-large'), 'stability-ai/stable-diffusion-3.5-large');
    assert.equal(model('sd3-large-turbo'), 'stability-ai/stable-diffusion-3.5-large-turbo');
  });

  it('fails over (server_error, not sent) for what Replicate does not host', () => {
    for (const [id, endpoint] of [['sd3.5-flash', 'sd3'], ['ultra', 'ultra'], ['core', 'core']] as const) {
      const error = (() => { try { model(id, {}, endpoint); } catch (e) { return e; } })();
      assert.deepEqual(failure(error), { kind: 'server_error', retryable: true, status: undefined, message: `replicate does not serve ${id}` });
    }
  });

  it("follows the channel's map: a bare name is Stability's, owner/name is taken as is, a bad id is refused", () => {
    assert.equal(model('sd3.5-large', { 'sd3.5-large': 'stable-diffusion-3.5-medium' }), 'stability-ai/stable-diffusion-3.5-medium');
    assert.equal(model('ultra', { ultra: 'acme/ultra-like' }, 'ultra'), 'acme/ultra-like');
    assert.throws(() => model('sd3.5-large', { 'sd3.5-large': '../../v1/account' }), (e) => failure(e).kind === 'server_error');
  });
});

describe('replicate: options', () => {
  it('defaults, accepts numbers and the CLI text form', () => {
    assert.deepEqual(checkReplicateOptions({}), { pollIntervalMs: 1000, waitSeconds: 60 });
    assert.deepEqual(checkReplicateOptions({ pollIntervalMs: '250', waitSeconds: 5 }), { pollIntervalMs: 250, waitSeconds: 5 });
  });

  it('names the bad option', () => {
    assert.throws(() => checkReplicateOptions({ waitSeconds: 61 }), /"waitSeconds" must be an integer from 1 to 60/);
    assert.throws(() => checkReplicateOptions({ pollIntervalMs: 'soon' }), /"pollIntervalMs"/);
    assert.throws(() => checkReplicateOptions({ steps: 4 }), /unknown option "steps"/);
  });
});

describe('replicate: error classification', () => {
  const problem = (status: number, title: string, detail: string, extra = {}) => json({ title, detail, status, ...extra });

  it('sorts create refusals by who must act', () => {
    const cases: [number, string, boolean][] = [[401, 'credentials', true], [402, 'credentials', true], [403, 'credentials', true], [404, 'server_error', true], [429, 'rate_limited', true], [500, 'server_error', true], [503, 'server_error', true]];
    for (const [status, kind, retryable] of cases) {
      const got = failure(failureFor(status, problem(status, 'T', 'D')));
      assert.deepEqual([got.kind, got.retryable, got.status], [kind, retryable, status], `status ${status}`);
    }
    assert.equal(failure(failureFor(402, problem(402, 'Insufficient credit', 'You have insufficient credit'))).message, "replicate says the channel's account cannot pay: You have insufficient credit");
  });

  it("turns a 422 into the caller's bad_request, in the station's field names", () => {
    const invalid_fields = [
      { type: 'number_lte', field: 'input.cfg', description: 'Must be less than or equal to 10' },
      { type: 'additional_property_not_allowed', field: 'input', description: 'Additional property steps is not allowed' },
      { type: 'number_gte', field: 'input.prompt_strength', description: 'Must be greater than or equal to 0' },
    ];
    const error = failureFor(422, problem(422, 'Input validation failed', '- input.cfg: ...\n', { invalid_fields }));
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'bad_request');
    assert.deepEqual(error.errors, ['cfg_scale: Must be less than or equal to 10', 'input: Additional property steps is not allowed', 'strength: Must be greater than or equal to 0']);
    const fromDetail = failureFor(422, problem(422, 'Input validation failed', '- input.aspect_ratio: aspect_ratio must be one of the following: "1:1"\n'));
    assert.deepEqual((fromDetail as GatewayError).errors, ['aspect_ratio: aspect_ratio must be one of the following: "1:1"']);
    assert.deepEqual((failureFor(400, Buffer.from('<html>')) as GatewayError).errors, ['request: replicate refused it (400)']);
  });

  it('reads HTML leniently and never repeats a token or a signed URL', () => {
    assert.deepEqual(readProblem(Buffer.from('<html>502</html>')), { title: undefined, detail: undefined, invalidFields: [] });
    const said = readProblem(problem(401, 'Unauthenticated', 'token r8_abcdefghijKLMNOP1234 at https://x.example/a?sig=s3cret')).detail;
    assert.equal(said, 'token [redacted] at https://x.example/a?[redacted]');
  });

  it('reads finished predictions: URL or list, moderation, failure, cancel, nonsense', () => {
    const finished = (fields: object) => outputUrl(parsePrediction(json({ id: 'abc123', ...fields })));
    assert.equal(finished({ status: 'succeeded', output: 'https://replicate.delivery/x/out-0.png' }), 'https://replicate.delivery/x/out-0.png');
    assert.equal(finished({ status: 'succeeded', output: ['https://replicate.delivery/y/out-0.webp'] }), 'https://replicate.delivery/y/out-0.webp');
    const caught = (fields: object) => { try { finished(fields); } catch (e) { return e; } };
    const moderated = caught({ status: 'failed', error: 'NSFW content detected. Try running it again, or try a different prompt.' });
    assert.ok(moderated instanceof GatewayError && moderated.code === 'content_moderation');
    assert.deepEqual(failure(caught({ status: 'failed', error: 'CUDA out of memory' })).kind, 'server_error');
    assert.deepEqual(failure(caught({ status: 'canceled' })).kind, 'server_error');
    for (const fields of [{ status: 'succeeded', output: null }, { status: 'succeeded', output: ['file:///etc/passwd'] }, { status: 'exploded' }]) {
      assert.deepEqual([failure(caught(fields)).kind, failure(caught(fields)).retryable], ['broken', false]);
    }
    assert.deepEqual(failure((() => { try { parsePrediction(json({ id: '../x', status: 'starting' })); } catch (e) { return e; } })()).kind, 'broken');
  });
});
