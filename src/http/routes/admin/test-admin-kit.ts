/**
 * @module For the admin API's tests: a station with a known admin token, a request helper that
 * sends JSON with the token or a session cookie (and CSRF token), and an operator login. Not a
 * `.test.ts` file (the test files import it), and named test-* so the build leaves it out.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { mintAdminToken } from '../../../auth/api-keys.js';
import { ADMIN_TOKEN_SETTING } from '../../../station/first-start.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { testStation, type TestStation } from '../../../../test/helpers/test-app.js';

export interface AdminStation extends TestStation {
  adminToken: string;
}

export async function adminStation(options: Parameters<typeof testStation>[0] = {}): Promise<AdminStation> {
  const station = await testStation(options);
  const admin = mintAdminToken();
  // As first start stores it: the hash only.
  await station.store.settings.setIfAbsent(ADMIN_TOKEN_SETTING, admin.hash);
  return Object.assign(station, { adminToken: admin.plaintext });
}

export interface As {
  token?: string;
  /** The session token, sent as the cookie. */
  session?: string;
  csrf?: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function call(station: TestStation, method: Method, url: string, as: As, body?: unknown): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (as.token !== undefined) headers.authorization = `Bearer ${as.token}`;
  if (as.session !== undefined) headers.cookie = `aigate_admin=${as.session}`;
  if (as.csrf !== undefined) headers['x-csrf-token'] = as.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return station.app.inject({ method, url: `/admin/api${url}`, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
}

/** The answer's JSON, after checking its status (the payload is shown when it differs). */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse, status = 200): T {
  assert.equal(res.statusCode, status, res.payload);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return JSON.parse(res.payload) as T;
}

/** The station's error shape: `{id, name, errors[]}`, the id being the request's. */
export function assertError(res: LightMyRequestResponse, status: number, name: string, errorPattern?: RegExp): string[] {
  const body = json<{ id: string; name: string; errors: string[] }>(res, status);
  assert.deepEqual(Object.keys(body).sort(), ['errors', 'id', 'name']);
  assert.equal(body.id, res.headers['x-request-id']);
  assert.equal(body.name, name);
  if (errorPattern) assert.ok(body.errors.some((e) => errorPattern.test(e)), `${JSON.stringify(body.errors)} should match ${errorPattern}`);
  return body.errors;
}

export const PASSWORD = 'a long enough passphrase';

/** Creates an operator with the admin token and logs in; returns what a browser would hold. */
export async function operatorSession(station: AdminStation, username = 'alice'): Promise<{ session: string; csrf: string; setCookie: string }> {
  json(await call(station, 'POST', '/operators', { token: station.adminToken }, { username, password: PASSWORD }), 201);
  const res = await call(station, 'POST', '/session', {}, { username, password: PASSWORD });
  const body = json<{ csrf_token: string }>(res, 201);
  const setCookie = String(res.headers['set-cookie']);
  const session = /aigate_admin=([^;]+)/.exec(setCookie)?.[1];
  assert.ok(session, setCookie);
  return { session, csrf: body.csrf_token, setCookie };
}

/** One sd3 generation on the public API with `apiKey`. */
export function generate(station: TestStation, apiKey: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const form = multipart({ prompt: 'a lighthouse on a cliff', ...fields });
  return station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${apiKey}`, 'content-type': form.contentType }, payload: form.body });
}
