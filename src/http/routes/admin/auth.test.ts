/**
 * @module The admin API's authentication end to end: the admin token, operator accounts and
 * their sessions (cookie attributes, CSRF on state changes, logout, expiry), login rate limits,
 * and errors in the station's `{id, name, errors[]}` shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mintAdminToken } from '../../../auth/api-keys.js';
import { adminStation, assertError, call, json, operatorSession, PASSWORD, type AdminStation } from './test-admin-kit.js';

async function withStation(run: (station: AdminStation) => Promise<void>, options: Parameters<typeof adminStation>[0] = {}) {
  const station = await adminStation(options);
  try {
    await run(station);
  } finally {
    await station.close();
  }
}

describe('admin API: the admin token', () => {
  it('no credentials: 401; a wrong token, an API key or a malformed one: 401; the admin token: 200', () =>
    withStation(async (station) => {
      assertError(await call(station, 'GET', '/keys', {}), 401, 'unauthorized', /^authorization: /);
      assertError(await call(station, 'GET', '/keys', { token: mintAdminToken().plaintext }), 401, 'unauthorized');
      const { plaintext } = await station.key();
      assertError(await call(station, 'GET', '/keys', { token: plaintext }), 401, 'unauthorized');
      assertError(await call(station, 'GET', '/keys', { token: `${station.adminToken}x` }), 401, 'unauthorized');
      assert.ok(Array.isArray(json(await call(station, 'GET', '/keys', { token: station.adminToken })).keys));
      assert.deepEqual(json(await call(station, 'GET', '/session', { token: station.adminToken })), { kind: 'admin' });
    }));

  it('needs no CSRF token for state changes', () =>
    withStation(async (station) => {
      json(await call(station, 'POST', '/banned-words', { token: station.adminToken }, { word: 'fox' }), 201);
    }));

  it('a wrong Bearer token is refused even alongside a valid session cookie', () =>
    withStation(async (station) => {
      const { session } = await operatorSession(station);
      assertError(await call(station, 'GET', '/keys', { token: 'nonsense', session }), 401, 'unauthorized');
    }));

  it('answers malformed JSON and non-JSON bodies with 400', () =>
    withStation(async (station) => {
      const headers = { authorization: `Bearer ${station.adminToken}` };
      const broken = await station.app.inject({ method: 'POST', url: '/admin/api/keys', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"name":' });
      assertError(broken, 400, 'bad_request', /^body: /);
      const form = await station.app.inject({ method: 'POST', url: '/admin/api/keys', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
      assertError(form, 400, 'bad_request', /content-type/);
    }));
});

describe('admin API: operators and sessions', () => {
  it('only the admin token creates operators; passwords need 12 characters', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      assertError(await call(station, 'POST', '/operators', admin, { username: 'bob', password: 'short' }), 400, 'bad_request', /^password: .*12/);
      const errors = assertError(await call(station, 'POST', '/operators', admin, { username: 'no spaces', password: 'x', extra: 1 }), 400, 'bad_request');
      assert.deepEqual(errors.map((e) => e.split(':')[0]).sort(), ['extra', 'password', 'username']);
      const { session, csrf } = await operatorSession(station, 'alice');
      assertError(await call(station, 'POST', '/operators', { session, csrf }, { username: 'mallory', password: PASSWORD }), 403, 'permission_denied');
      assertError(await call(station, 'POST', '/operators', admin, { username: 'Alice', password: PASSWORD }), 400, 'bad_request', /^username: alice is taken/);
      const list = json<{ operators: { username: string }[] }>(await call(station, 'GET', '/operators', admin));
      assert.deepEqual(list.operators.map((o) => o.username), ['alice']);
      const stored = await station.store.operators.findByUsername('alice');
      assert.match(stored!.passwordHash, /^\$scrypt\$ln=15,r=8,p=1\$/);
      assert.ok(!stored!.passwordHash.includes(PASSWORD));
    }));

  it('login sets an HttpOnly, Secure, SameSite=Strict cookie on /admin for 12 hours, stored hashed', () =>
    withStation(async (station) => {
      const { session, setCookie, csrf } = await operatorSession(station);
      const attributes = setCookie.split(';').map((a) => a.trim());
      for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/admin', 'Max-Age=43200']) assert.ok(attributes.includes(attribute), `${attribute} in ${setCookie}`);
      const me = json<{ kind: string; operator: { username: string }; csrf_token: string }>(await call(station, 'GET', '/session', { session }));
      assert.equal(me.kind, 'operator');
      assert.equal(me.operator.username, 'alice');
      assert.equal(me.csrf_token, csrf, 'GET /session hands back the same CSRF token');
      assert.equal(await station.store.sessions.find(session, Date.now()), undefined, 'the raw token is not a stored id');
    }));

  it('a session reads freely; a state change needs the matching x-csrf-token (403 without)', () =>
    withStation(async (station) => {
      const { session, csrf } = await operatorSession(station);
      json(await call(station, 'GET', '/keys', { session }));
      assertError(await call(station, 'POST', '/banned-words', { session }, { word: 'fox' }), 403, 'permission_denied', /^x-csrf-token: /);
      assertError(await call(station, 'POST', '/banned-words', { session, csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }, { word: 'fox' }), 403, 'permission_denied');
      assertError(await call(station, 'DELETE', '/keys/key_nothing', { session }), 403, 'permission_denied');
      assert.deepEqual(await station.store.bannedWords.list(), [], 'nothing changed');
      json(await call(station, 'POST', '/banned-words', { session, csrf }, { word: 'fox' }), 201);
      assert.deepEqual(await station.store.bannedWords.list(), ['fox']);
    }));

  it('logout ends the session and clears the cookie', () =>
    withStation(async (station) => {
      const { session, csrf } = await operatorSession(station);
      assertError(await call(station, 'DELETE', '/session', { session }), 403, 'permission_denied');
      const res = await call(station, 'DELETE', '/session', { session, csrf });
      assert.deepEqual(json(res), { logged_out: true });
      assert.match(String(res.headers['set-cookie']), /^aigate_admin=; Max-Age=0;/);
      assertError(await call(station, 'GET', '/keys', { session }), 401, 'unauthorized', /^session: /);
    }));

  it('refuses a session past its 12 hours', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    await withStation(
      async (station) => {
        const { session } = await operatorSession(station);
        clock += 12 * 3600_000 - 1;
        json(await call(station, 'GET', '/keys', { session }));
        clock += 1;
        assertError(await call(station, 'GET', '/keys', { session }), 401, 'unauthorized', /expired/);
      },
      { now: () => clock },
    );
  });

  it('removing an operator ends their sessions', () =>
    withStation(async (station) => {
      const { session } = await operatorSession(station);
      const [alice] = await station.store.operators.list();
      json(await call(station, 'DELETE', `/operators/${alice!.id}`, { token: station.adminToken }));
      assertError(await call(station, 'GET', '/keys', { session }), 401, 'unauthorized');
      assertError(await call(station, 'DELETE', `/operators/${alice!.id}`, { token: station.adminToken }), 404, 'not_found');
    }));

  it('a wrong password or unknown user is 401; after 10 tries a minute from one address, 429 even for the right one', () =>
    withStation(async (station) => {
      await operatorSession(station);
      assertError(await call(station, 'POST', '/session', {}, { username: 'nobody', password: PASSWORD }), 401, 'unauthorized', /^credentials: wrong username or password$/);
      for (let i = 0; i < 8; i++) assertError(await call(station, 'POST', '/session', {}, { username: 'alice', password: 'wrong password!' }), 401, 'unauthorized');
      const limited = await call(station, 'POST', '/session', {}, { username: 'alice', password: PASSWORD });
      assertError(limited, 429, 'rate_limit_exceeded');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal(limited.headers['set-cookie'], undefined);
    }));
});
