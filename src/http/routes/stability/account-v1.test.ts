/**
 * @module Tests for Stability's v1 account endpoints (spec §11) under both prefixes: the balance as a
 * JSON number (and after a generation), the account, the engine list, and errors in the v1 shape
 * `{id, name, message}`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multipart } from '../../../../test/helpers/multipart.js';
import { countingProvider, routerFor, testStation, type TestStation } from '../../../../test/helpers/test-app.js';

const PREFIXES = ['', '/sd'] as const;
const ALL_MODELS = ['sd3-large', 'sd3-large-turbo', 'sd3-medium', 'sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash', 'ultra', 'core'];

async function withStation(run: (station: TestStation) => Promise<void>, env?: Record<string, string>) {
  const station = await testStation({ router: routerFor(countingProvider()), env });
  try {
    await run(station);
  } finally {
    await station.close();
  }
}

const get = (station: TestStation, url: string, authorization?: string) =>
  station.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

function json(res: { statusCode: number; headers: Record<string, unknown>; payload: string }, status = 200): unknown {
  assert.equal(res.statusCode, status, res.payload);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{32}$/);
  return JSON.parse(res.payload);
}

/** The v1 error shape: exactly `{id, name, message}`, the id being the response's. */
function assertV1Error(res: { statusCode: number; headers: Record<string, unknown>; payload: string }, status: number, name: string, message: string) {
  const body = json(res, status) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['id', 'message', 'name']);
  assert.equal(body.id, res.headers['x-request-id']);
  assert.equal(body.name, name);
  assert.equal(body.message, message);
}

for (const prefix of PREFIXES) {
  describe(`v1 account endpoints under "${prefix || '/'}"`, () => {
    it('GET /v1/user/balance gives the credits as a number', () =>
      withStation(async (station) => {
        const { plaintext } = await station.key({ credits: '100' });
        assert.deepEqual(json(await get(station, `${prefix}/v1/user/balance`, `Bearer ${plaintext}`)), { credits: 100 });
        const half = await station.key({ credits: '12.5' });
        const res = await get(station, `${prefix}/v1/user/balance`, half.plaintext);
        assert.equal(res.payload, '{"credits":12.5}');
      }));

    it('GET /v1/user/balance drops by the price after one sd3-large generation (100 -> 93.5)', () =>
      withStation(async (station) => {
        const { plaintext } = await station.key({ credits: '100' });
        const form = multipart({ prompt: 'a lighthouse' });
        const generated = await station.app.inject({
          method: 'POST',
          url: `${prefix}/v2beta/stable-image/generate/sd3`,
          headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType },
          payload: form.body,
        });
        assert.equal(generated.statusCode, 200, generated.payload.slice(0, 300));
        assert.deepEqual(json(await get(station, `${prefix}/v1/user/balance`, `Bearer ${plaintext}`)), { credits: 93.5 });
      }));

    it('GET /v1/user/account gives id, email, profile_picture and organizations', () =>
      withStation(async (station) => {
        const { id, plaintext } = await station.key();
        const body = json(await get(station, `${prefix}/v1/user/account`, `Bearer ${plaintext}`)) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['email', 'id', 'organizations', 'profile_picture']);
        assert.equal(body.id, id);
        assert.equal(typeof body.email, 'string');
        assert.match(body.email as string, /^[^@\s]+@[^@\s]+$/);
        assert.equal(typeof body.profile_picture, 'string');
        assert.deepEqual(body.organizations, []);
      }));

    it('GET /v1/engines/list lists every model with type PICTURE', () =>
      withStation(async (station) => {
        const { plaintext } = await station.key();
        const body = json(await get(station, `${prefix}/v1/engines/list`, `Bearer ${plaintext}`));
        assert.ok(Array.isArray(body));
        assert.deepEqual(body.map((e: { id: string }) => e.id).sort(), [...ALL_MODELS].sort());
        for (const engine of body as Record<string, unknown>[]) {
          assert.deepEqual(Object.keys(engine).sort(), ['description', 'id', 'name', 'type']);
          assert.equal(engine.type, 'PICTURE');
          assert.equal(typeof engine.name, 'string');
          assert.ok((engine.description as string).length > 0);
        }
      }));

    for (const path of ['/v1/user/balance', '/v1/user/account', '/v1/engines/list']) {
      it(`GET ${path} without a key gives 401 in the v1 shape`, () =>
        withStation(async (station) => {
          assertV1Error(await get(station, `${prefix}${path}`), 401, 'unauthorized', 'authorization: invalid or missing header value');
        }));
    }

    it('a garbage, unknown, revoked or expired key gives 401 in the v1 shape', () =>
      withStation(async (station) => {
        const revoked = await station.key();
        assert.equal(await station.store.keys.revoke(revoked.id, Date.now()), true);
        const expired = await station.key({ expiresAt: Date.now() - 1_000 });
        for (const authorization of ['Bearer garbage', `Bearer sk-${'B'.repeat(48)}`, `Bearer ${revoked.plaintext}`, `Bearer ${expired.plaintext}`]) {
          assertV1Error(await get(station, `${prefix}/v1/user/balance`, authorization), 401, 'unauthorized', 'authorization: invalid or missing header value');
        }
      }));

    it('the key rate limit answers 429 in the v1 shape with Retry-After', () =>
      withStation(async (station) => {
        const { plaintext } = await station.key({ rateLimit: { points: 1, windowSeconds: 30 } });
        assert.equal((await get(station, `${prefix}/v1/user/balance`, plaintext)).statusCode, 200);
        const res = await get(station, `${prefix}/v1/user/balance`, plaintext);
        assertV1Error(res, 429, 'rate_limit_exceeded', 'You have exceeded the rate limit for this endpoint; retry after the time in the Retry-After header.');
        assert.match(String(res.headers['retry-after']), /^[1-9]\d*$/);
        assert.ok(Number(res.headers['retry-after']) <= 30);
      }));
  });
}
