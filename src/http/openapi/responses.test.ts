/**
 * @module What the station answers matches what the document says it answers: image bytes with the
 * documented content types and headers, the JSON image, the v2 and v1 error bodies and the v1
 * account bodies, each validated against the document's own schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/config.js';
import { buildOpenApiDocument } from './document.js';
import { at, GENERATE, openStation, PROMPT, schemaChecker } from './test-openapi.js';

const doc = buildOpenApiDocument(loadConfig({ AIGATE_LOG_LEVEL: 'silent' }));
const checker = schemaChecker(doc);
/** The response object at `status` of an operation, followed through its $ref. */
const response = (path: string, method: string, status: string) => {
  const found = at(doc, 'paths', path, method, 'responses', status);
  return typeof found.$ref === 'string' ? at(doc, ...found.$ref.slice(2).split('/')) : found;
};

describe('answers match the documented responses', () => {
  let s: Awaited<ReturnType<typeof openStation>>;
  before(async () => (s = await openStation()));
  after(() => s.station.close());

  it('image bytes: a documented content type and every documented header', async () => {
    const ok = response(GENERATE('sd3'), 'post', '200');
    const reply = await s.post(GENERATE('sd3'), [{ name: 'prompt', value: PROMPT }], { accept: 'image/*' });
    assert.equal(reply.statusCode, 200, reply.body);
    assert.ok(at(ok, 'content')[String(reply.headers['content-type'])], String(reply.headers['content-type']));
    for (const header of Object.keys(at(ok, 'headers'))) assert.ok(reply.headers[header], header);
  });

  it('the JSON image: its schema, and content-type application/json; type=image/...', async () => {
    const schema = at(response(GENERATE('core'), 'post', '200'), 'content', 'application/json', 'schema');
    const reply = await s.post(GENERATE('core'), [{ name: 'prompt', value: PROMPT }], { accept: 'application/json' });
    // The stand-in provider answers png whatever was asked; the type follows the image sent.
    assert.equal(reply.headers['content-type'], 'application/json; type=image/png');
    assert.deepEqual(checker.check(schema, reply.json()), []);
  });

  it('v2 errors: the Error schema, with a name the status documents', async () => {
    const bad = await s.post(GENERATE('ultra'), [{ name: 'seed', value: '-1' }]);
    const unauthorized = await s.station.app.inject({ method: 'POST', url: GENERATE('ultra'), headers: { authorization: 'Bearer nope' } });
    for (const reply of [bad, unauthorized]) {
      const schema = at(response(GENERATE('ultra'), 'post', String(reply.statusCode)), 'content', 'application/json', 'schema');
      assert.deepEqual(checker.check(schema, reply.json()), [], reply.body);
      assert.ok(reply.headers['x-request-id']);
    }
    // And the check is real: a body off the schema is caught.
    assert.notDeepEqual(checker.check(at(doc, 'components', 'schemas', 'Error'), { id: 'x', name: 'teapot', errors: [] }), []);
  });

  it('v1: the account bodies and the v1 error shape', async () => {
    for (const path of ['/v1/user/balance', '/v1/user/account', '/v1/engines/list', '/sd/v1/engines/list']) {
      const reply = await s.station.app.inject({ method: 'GET', url: path, headers: { authorization: s.key } });
      assert.equal(reply.statusCode, 200, path);
      assert.deepEqual(checker.check(at(response(path, 'get', '200'), 'content', 'application/json', 'schema'), reply.json()), [], path);
    }
    const refused = await s.station.app.inject({ method: 'GET', url: '/v1/user/balance' });
    const schema = at(response('/v1/user/balance', 'get', '401'), 'content', 'application/json', 'schema');
    assert.deepEqual(checker.check(schema, refused.json()), [], refused.body);
  });
});
