/**
 * A streamed image that fails before its first byte is sent (no declared length, so its only
 * chunk waits for the capture) still gets an ordinary error answer: Stability's JSON, without the
 * image's headers, and nothing charged; the channel's breaker hears of the failure.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { memoryCircuitBreakers } from '../../../channels/circuit-breaker.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { routerFor, testStation } from '../../../../test/helpers/test-app.js';
import { ImageFlow } from '../../../providers/image-flow.js';
import type { Provider, StreamedResult } from '../../../providers/provider.js';
import { UpstreamFailure } from '../../../providers/upstream-failure.js';

async function* breaksAfterFirstChunk(): AsyncGenerator<Buffer> {
  yield Buffer.from('\x89PNG\r\n\x1a\n');
  throw new UpstreamFailure('broken', 'the upstream answer broke off', true, 200);
}

test('an image stream that fails before any byte went out answers 502 in Stability’s shape, with no image headers', async () => {
  const stream = new ImageFlow(Readable.from(breaksAfterFirstChunk(), { objectMode: false }), { signal: new AbortController().signal });
  const streamed: StreamedResult = { stream, format: 'png', seed: 7, finishReason: 'SUCCESS' };
  const provider: Provider = { generate: async () => assert.fail('the station must use stream()'), stream: async () => streamed };
  const breakers = memoryCircuitBreakers({ failures: 1, cooldownMs: 60_000 });
  const station = await testStation({ router: routerFor(provider, 'up'), breakers });
  try {
    const key = await station.key({ credits: '10' });
    const form = multipart({ prompt: 'a lighthouse' });
    const response = await station.app.inject({
      method: 'POST',
      url: '/v2beta/stable-image/generate/sd3',
      headers: { authorization: `Bearer ${key.plaintext}`, 'content-type': form.contentType, accept: 'image/*' },
      payload: form.body,
    });
    assert.equal(response.statusCode, 502);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual([response.headers['finish-reason'], response.headers.seed], [undefined, undefined], 'the image headers set before the failure are gone');
    assert.equal(response.json().name, 'upstream_error');
    const stored = (await station.store.keys.get(key.id))!;
    assert.deepEqual([stored.balance, stored.held], [10_000, 0]);
    await station.usageLogged(String(response.headers['x-request-id']));
    const [row] = await station.store.usage.query({ limit: 1 });
    assert.deepEqual([row?.status, row?.errorName, row?.attempts.map((a) => a.outcome)], [502, 'upstream_error', ['broken']]);
    assert.equal(await breakers.allow('ch_up'), false, 'the failure reached the breaker, which opened');
  } finally {
    await station.close();
  }
});
