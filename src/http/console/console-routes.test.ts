/**
 * @module The console's static routes through the built app: index.html with its CSP and no
 * caching, a hashed asset cached for a year, /admin redirected, the admin API under /admin/api
 * untouched (its auth, its JSON 404s, none of the console's headers), path traversal refused
 * (through inject and on a real socket, where `..` reaches the router unnormalised), and a
 * station whose console was never built answering 503 in the error shape.
 * Needs the built console (`npm run build`), as `npm test` does before running tests.
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { errorReply } from '../error-body.js';
import { adminStation, assertError, call, json, operatorSession, type AdminStation } from '../routes/admin/test-admin-kit.js';
import { CONSOLE_CSP, CONSOLE_DIR, consoleRoutes } from './console-routes.js';

/** A GET sent byte for byte as written: no client-side normalisation of `..` or `%2e`. */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console at /admin/', () => {
  let station: AdminStation;
  let index: string;
  before(async () => {
    index = await readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8').catch(() => assert.fail(`no console in ${CONSOLE_DIR}: run npm run build first`));
    station = await adminStation();
  });
  after(() => station.close());

  it('serves index.html, uncached, with a same-origin CSP and nosniff', async () => {
    const page = await station.app.inject({ method: 'GET', url: '/admin/' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, index);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.equal(page.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(CONSOLE_CSP, /default-src 'self'/);
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-(inline|eval)/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
  });

  it('serves each hashed asset the page names, with its type and an immutable year-long cache', async () => {
    const refs = [...index.matchAll(/\b(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(refs.map((r) => path.extname(r)).sort(), ['.css', '.js']);
    for (const ref of refs) {
      const asset = await station.app.inject({ method: 'GET', url: `/admin/${ref}` });
      assert.equal(asset.statusCode, 200, ref);
      assert.match(ref, /-[A-Z0-9]{8}\.(js|css)$/, 'names carry a content hash');
      assert.deepEqual(asset.rawPayload, await readFile(path.join(CONSOLE_DIR, ref)));
      assert.match(String(asset.headers['content-type']), ref.endsWith('.js') ? /^(application|text)\/javascript/ : /^text\/css/);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(asset.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('redirects /admin to /admin/', async () => {
    const reply = await station.app.inject({ method: 'GET', url: '/admin' });
    assert.equal(reply.statusCode, 301);
    assert.equal(new URL(String(reply.headers.location), 'http://station/admin').pathname, '/admin/');
  });

  it('leaves /admin/api alone: its auth, its answers and its JSON 404s, none of the console headers', async () => {
    const refused = await call(station, 'GET', '/keys', {});
    assertError(refused, 401, 'unauthorized');
    assert.equal(refused.headers['content-security-policy'], undefined);
    const listed = json<{ keys: unknown[] }>(await call(station, 'GET', '/keys', { token: station.adminToken }));
    assert.ok(Array.isArray(listed.keys));
    const { session, csrf } = await operatorSession(station);
    json(await call(station, 'POST', '/banned-words', { session, csrf }, { word: 'console' }), 201);
    for (const method of ['GET', 'POST'] as const) {
      const missing = await call(station, method, '/no-such-route', { token: station.adminToken });
      assertError(missing, 404, 'not_found', /\/admin\/api\/no-such-route/);
      assert.equal(missing.headers['content-security-policy'], undefined);
    }
  });

  it('answers a missing asset and a wrong method in the error shape', async () => {
    assertError(await station.app.inject({ method: 'GET', url: '/admin/assets/main-NOPE.js' }), 404, 'not_found');
    assertError(await station.app.inject({ method: 'POST', url: '/admin/assets/main-NOPE.js' }), 405, 'method_not_allowed');
  });

  it('refuses path traversal out of the assets, by inject and on a real socket', async () => {
    const escapes = ['/admin/assets/../../package.json', '/admin/assets/..%2f..%2f..%2fpackage.json', '/admin/assets/%2e%2e/%2e%2e/%2e%2e/package.json', '/admin/assets/..%5c..%5cindex.html', '/admin/assets/.%2e/index.html'];
    for (const url of escapes) {
      const reply = await station.app.inject({ method: 'GET', url });
      assert.equal(reply.statusCode, 404, `${url}: ${reply.body}`);
      assert.doesNotMatch(reply.body, /"devDependencies"|<!DOCTYPE/, url);
    }
    await station.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = station.app.server.address() as { port: number };
    for (const url of escapes) {
      const reply = await rawGet(port, url);
      assert.equal(reply.status, 404, `${url}: ${reply.body}`);
      assert.doesNotMatch(reply.body, /"devDependencies"|<!DOCTYPE/, url);
    }
  });
});

describe('a station whose console was never built', () => {
  it('answers /admin/ with 503 in the error shape, saying to run npm run build', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aigate-no-console-'));
    // The app's wiring, reduced to what this needs: the one error mapper.
    const app = Fastify();
    app.setErrorHandler((error, request, reply) => {
      const mapped = errorReply(error, request.id, 'v2');
      return reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
    });
    await app.register(consoleRoutes, { dir: path.join(dir, 'missing') });
    try {
      const reply = await app.inject({ method: 'GET', url: '/admin/' });
      assert.equal(reply.statusCode, 503);
      const body = reply.json<{ id: string; name: string; errors: string[] }>();
      assert.equal(body.name, 'service_unavailable');
      assert.match(body.errors.join(' '), /npm run build/);
      assert.equal(reply.headers['content-security-policy'], CONSOLE_CSP);
      assert.equal((await app.inject({ method: 'GET', url: '/admin/assets/main-X.js' })).statusCode, 404);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
