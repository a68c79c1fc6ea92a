/**
 * @module GET /openapi.json and GET /docs through the built app: public (no key, no rate limit of
 * the generation routes), the document served is the one built from the station's config, and
 * the rendered page loads only same-origin assets, each answering with its type and a long cache.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testStation, type TestStation } from '../../../test/helpers/test-app.js';
import { ASSET_BASE } from './docs-page.js';
import { buildOpenApiDocument } from './document.js';

const TYPES: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/, map: /^application\/json/ };

describe('GET /openapi.json and GET /docs', () => {
  let station: TestStation;
  // One request per 10 s per IP: were these routes behind the API's guards, the second would be refused.
  before(async () => (station = await testStation({ env: { AIGATE_IP_RATE_LIMIT: '1/10s' } })));
  after(() => station.close());

  it('serves the document built from the station config, without a key, revalidated by etag', async () => {
    const reply = await station.app.inject({ method: 'GET', url: '/openapi.json', headers: { authorization: 'Bearer not-a-key' } });
    assert.equal(reply.statusCode, 200);
    assert.match(String(reply.headers['content-type']), /^application\/json/);
    assert.deepEqual(reply.json(), buildOpenApiDocument(station.config));
    assert.match(String(reply.headers['x-request-id']), /^[0-9a-f]{32}$/);
    const again = await station.app.inject({ method: 'GET', url: '/openapi.json', headers: { 'if-none-match': String(reply.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('renders /docs from same-origin assets only, each served with its type and an immutable cache', async () => {
    const page = await station.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const refs = [...page.body.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3, page.body);
    for (const ref of refs) {
      // Same origin: an absolute path, never a scheme or a protocol-relative host.
      assert.match(ref, /^\/(?!\/)/, ref);
      assert.ok(ref.startsWith(`${ASSET_BASE}/`), ref);
      const asset = await station.app.inject({ method: 'GET', url: ref });
      assert.equal(asset.statusCode, 200, ref);
      assert.ok(asset.rawPayload.length > 0, ref);
      assert.match(String(asset.headers['content-type']), TYPES[ref.split('.').at(-1)!]!, ref);
      assert.match(String(asset.headers['cache-control']), /max-age=31536000.*immutable/, ref);
    }
    assert.ok(refs.some((r) => r.endsWith('/swagger-ui-bundle.js')));
  });

  it('points Swagger UI at /openapi.json and at no outside validator', async () => {
    const init = await station.app.inject({ method: 'GET', url: `${ASSET_BASE}/init.js` });
    assert.match(init.body, /url: '\/openapi\.json'/);
    assert.match(init.body, /validatorUrl: null/);
    assert.doesNotMatch(init.body, /https?:/);
  });

  it('answers an asset it does not serve with the API 404, never another file of the package', async () => {
    for (const url of [`${ASSET_BASE}/package.json`, `${ASSET_BASE}/../swagger-ui-dist/package.json`, '/docs/assets/0.0.0/swagger-ui.css']) {
      const reply = await station.app.inject({ method: 'GET', url });
      assert.equal(reply.statusCode, 404, url);
      assert.equal(reply.json<{ name: string }>().name, 'not_found');
    }
  });

  it('refuses a method the routes do not take with 405 and Allow', async () => {
    const reply = await station.app.inject({ method: 'POST', url: '/openapi.json' });
    assert.equal(reply.statusCode, 405);
    assert.match(String(reply.headers.allow), /GET/);
  });
});
