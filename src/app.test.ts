/** App-wide behaviour outside any one route: framework errors, bodies on unknown paths, client IPs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testStation } from '../test/helpers/test-app.js';

const RID = /^[0-9a-f]{32}$/;

describe('the app', () => {
  it('answers a malformed URL in the error shape, with a request id', async () => {
    const station = await testStation();
    try {
      const response = await station.app.inject({ method: 'GET', url: '/v2beta/%zz' });
      assert.equal(response.statusCode, 400);
      assert.match(String(response.headers['x-request-id']), RID);
      assert.deepEqual(response.json(), { id: response.headers['x-request-id'], name: 'bad_request', errors: ['path: is not a valid URL'] });
    } finally {
      await station.close();
    }
  });

  it('answers 404 and 405 whatever the body, never a parse error or 413', async () => {
    const station = await testStation();
    try {
      const json = { 'content-type': 'application/json' };
      const notFound = await station.app.inject({ method: 'POST', url: '/nope', headers: json, payload: '{broken' });
      assert.deepEqual([notFound.statusCode, notFound.json().name], [404, 'not_found']);
      const big = await station.app.inject({ method: 'POST', url: '/nope', headers: json, payload: 'x'.repeat(2_000_000) });
      assert.deepEqual([big.statusCode, big.json().name], [404, 'not_found']);
      const wrongMethod = await station.app.inject({ method: 'PUT', url: '/v2beta/stable-image/generate/sd3', headers: json, payload: '{broken' });
      assert.deepEqual([wrongMethod.statusCode, wrongMethod.json().name, wrongMethod.headers.allow], [405, 'method_not_allowed', 'POST']);
    } finally {
      await station.close();
    }
  });

  it('refuses an unparseable content type as not multipart, before reading the body', async () => {
    const station = await testStation();
    try {
      const { plaintext } = await station.key();
      const response = await station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${plaintext}`, 'content-type': 'foo' }, payload: 'x' });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json().errors, ['content-type: must be multipart/form-data']);
    } finally {
      await station.close();
    }
  });

  for (const [setting, expected] of [['false', '127.0.0.1'], ['1', '203.0.113.9'], ['127.0.0.1', '203.0.113.9']] as const) {
    it(`takes the client IP from X-Forwarded-For only as AIGATE_TRUST_PROXY=${setting} allows`, async () => {
      const station = await testStation({ env: { AIGATE_TRUST_PROXY: setting } });
      try {
        const response = await station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' }, remoteAddress: '127.0.0.1' });
        assert.equal(response.statusCode, 401);
        await station.usageLogged(String(response.headers['x-request-id']));
        const [row] = await station.store.usage.query({ limit: 1 });
        assert.equal(row?.ip, expected);
      } finally {
        await station.close();
      }
    });
  }
});
