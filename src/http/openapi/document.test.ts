/**
 * @module The OpenAPI document is valid OpenAPI 3.1 (a real validator, shown to refuse a broken
 * copy), every schema in it is strict JSON Schema 2020-12, and it follows its sources: the routes
 * the app registers, the error catalogue, the configured model catalogue and package.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { loadConfig } from '../../config/config.js';
import { ERROR_CODES, type ErrorCode } from '../../errors.js';
import { testStation } from '../../../test/helpers/test-app.js';
import { buildOpenApiDocument } from './document.js';
import type { Json, JsonObject } from './json.js';
import { LOG_ONLY } from './responses.js';
import { at, formOf, isObject, schemaChecker } from './test-openapi.js';

const config = loadConfig({ AIGATE_LOG_LEVEL: 'silent' });
const doc = buildOpenApiDocument(config);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every [path, method] a Fastify route tree prints, nested prefixes joined. */
function appRoutes(tree: string): [string, string][] {
  const stack: string[] = [];
  const out: [string, string][] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ]   )*)[├└]── (\S+)(?: \(([^)]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    for (const method of (match[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD')) out.push([path, method.toLowerCase()]);
  }
  return out;
}

/** Every schema object the document holds, where it is. */
function schemasIn(node: Json, where = ''): [string, Json][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => schemasIn(n, `${where}/${i}`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'schema' ? [[`${where}/schema`, v] as [string, Json]] : schemasIn(v, `${where}/${k}`)));
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1.0, and the validator refuses a broken copy', async () => {
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, JSON.stringify(result));
    assert.deepEqual(result.warnings, []);
    assert.equal(doc.openapi, '3.1.0');
    const broken = structuredClone(doc);
    delete at(broken, 'info').version;
    assert.equal((await validate(broken as never)).valid, false);
  });

  it('holds only strict JSON Schema 2020-12: every component and every inline schema compiles', () => {
    const checker = schemaChecker(doc);
    for (const [name, schema] of Object.entries(at(doc, 'components', 'schemas'))) assert.doesNotThrow(() => checker.compile(schema), name);
    for (const [where, schema] of schemasIn(doc)) assert.doesNotThrow(() => checker.compile(schema), where);
  });

  it('names the package and its version, a relative server and bearer keys', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.deepEqual([at(doc, 'info').title, at(doc, 'info').version], ['aigate', pkg.version]);
    assert.deepEqual(doc.servers, [{ url: '/' }]);
    assert.deepEqual(at(doc, 'components', 'securitySchemes', 'bearer'), { ...at(doc, 'components', 'securitySchemes', 'bearer'), type: 'http', scheme: 'bearer' });
  });

  it('documents exactly the public routes the app serves, each twin under /sd with its own operationId', async () => {
    const station = await testStation();
    try {
      const served = appRoutes(station.app.printRoutes({ commonPrefix: false })).filter(([p]) => /^\/(sd\/)?(v1|v2beta)\//.test(p));
      const documented = Object.entries(at(doc, 'paths')).flatMap(([p, item]) => Object.keys(at(item)).filter((m) => METHODS.includes(m)).map((m): [string, string] => [p, m]));
      assert.deepEqual(documented.map(String).sort(), served.map(String).sort());
      assert.equal(served.length, 12);
    } finally {
      await station.close();
    }
    const ids = Object.values(at(doc, 'paths')).flatMap((item) => Object.values(at(item)).map((op) => at(op).operationId));
    assert.equal(new Set(ids).size, ids.length);
    for (const path of Object.keys(at(doc, 'paths')).filter((p) => !p.startsWith('/sd/'))) {
      for (const [method, op] of Object.entries(at(doc, 'paths', path))) {
        const { operationId: _a, tags: _b, ...rest } = at(op);
        const { operationId: _c, tags: _d, ...twin } = at(doc, 'paths', `/sd${path}`, method);
        assert.deepEqual(twin, rest, `/sd${path}`);
      }
    }
  });

  it('lists every error name of the catalogue (but the log-only ones) at its status, with Retry-After on 429', () => {
    const names = (codes: ErrorCode[]) => codes.map((c) => ERROR_CODES[c].name).sort();
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    const publicCodes = codes.filter((c) => !LOG_ONLY.has(c));
    assert.deepEqual([...(at(doc, 'components', 'schemas', 'ErrorName').enum as string[])].sort(), names(publicCodes));
    const responses = at(doc, 'components', 'responses');
    for (const code of publicCodes) {
      const { status, name } = ERROR_CODES[code];
      const narrowed = at(responses, `Error${status}`, 'content', 'application/json', 'schema');
      assert.ok(JSON.stringify(narrowed).includes(`"${name}"`), `${name} at ${status}`);
    }
    for (const code of LOG_ONLY) assert.ok(!JSON.stringify(doc).includes(ERROR_CODES[code].name), `${code} is never answered`);
    assert.ok(at(responses, 'Error429', 'headers', 'retry-after'));
    const sd3 = at(doc, 'paths', '/v2beta/stable-image/generate/sd3', 'post', 'responses');
    for (const status of ['400', '401', '402', '403', '413', '422', '429', '500', '502', '503', '504']) assert.ok(sd3[status], status);
    assert.ok(at(doc, 'paths', '/v1/user/balance', 'get', 'responses', '401'));
  });

  it('takes the model enum and prices from the configured catalogue, and drops an endpoint the catalogue lacks', () => {
    const base = loadConfig({ AIGATE_LOG_LEVEL: 'silent', AIGATE_PRICES: '{"sd3.5-flash":"2"}' });
    const models = new Map(base.models);
    models.set('sd3.5-extra', { id: 'sd3.5-extra', endpoint: 'sd3', price: 1250, distilled: false, description: 'extra' });
    models.delete('ultra');
    const custom = buildOpenApiDocument({ ...base, models });
    const model = at(formOf(custom, 'sd3'), 'properties', 'model');
    assert.deepEqual(model.enum, [...models.values()].filter((m) => m.endpoint === 'sd3').map((m) => m.id));
    assert.match(String(model.description), /`sd3\.5-flash` 2\b.*`sd3\.5-extra` 1\.25/);
    assert.equal(at(custom, 'paths')['/v2beta/stable-image/generate/ultra'], undefined);
    assert.ok(at(custom, 'paths')['/sd/v2beta/stable-image/generate/core']);
  });
});
