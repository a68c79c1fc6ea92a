/**
 * @module Helpers for the OpenAPI tests (excluded from the build): a station whose rate limits
 * never get in the way, typed walks through the document, and a JSON Schema 2020-12 validator
 * that knows the document's component schemas, so responses can be checked against them.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { solidImage } from '../../../test/helpers/images.js';
import { multipart, type Part } from '../../../test/helpers/multipart.js';
import { countingProvider, routerFor, testStation } from '../../../test/helpers/test-app.js';
import type { Json, JsonObject } from './json.js';

export const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object at `keys` inside `root`, failing the test when it is missing or not an object. */
export function at(root: Json | undefined, ...keys: string[]): JsonObject {
  let node = root;
  for (const key of keys) node = isObject(node) ? node[key] : undefined;
  assert.ok(isObject(node), `no object at ${keys.join(' > ')}`);
  return node;
}

export const GENERATE = (endpoint: string) => `/v2beta/stable-image/generate/${endpoint}`;

/** The form schema a generate path's request body points to, followed through its $ref. */
export function formOf(doc: JsonObject, endpoint: string): JsonObject {
  const { $ref } = at(doc, 'paths', GENERATE(endpoint), 'post', 'requestBody', 'content', 'multipart/form-data', 'schema');
  assert.equal(typeof $ref, 'string');
  return at(doc, ...String($ref).slice(2).split('/'));
}

/** Every `#/components/schemas/X` becomes `urn:schema:X`, the id each component is registered under. */
const rewriteRefs = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', 'urn:schema:') : rewriteRefs(v)]));
};

/** A strict 2020-12 validator holding every component schema; `check(schema, value)` lists problems. */
export function schemaChecker(doc: JsonObject) {
  // strict: an unknown keyword or a keyword on the wrong type is an error, not ignored.
  const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { binary: true } });
  for (const [name, schema] of Object.entries(at(doc, 'components', 'schemas'))) ajv.addSchema(rewriteRefs(schema) as object, `urn:schema:${name}`);
  return {
    compile: (schema: Json) => ajv.compile(rewriteRefs(schema) as object),
    check(schema: Json, value: unknown): string[] {
      const validate = ajv.compile(rewriteRefs(schema) as object);
      return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
    },
  };
}

export const PROMPT = 'a lighthouse on a cliff';
export const IMAGE: Part = { name: 'image', file: await solidImage('png', 128, 128), filename: 'in.png', contentType: 'image/png' };

/** A station with a counting provider and one key; limits raised so hundreds of requests pass. */
export async function openStation(env: Record<string, string> = {}) {
  const provider = countingProvider();
  const station = await testStation({
    env: { AIGATE_KEY_RATE_LIMIT: '100000/10s', AIGATE_IP_RATE_LIMIT: '100000/10s', ...env },
    router: routerFor(provider),
  });
  const { plaintext } = await station.key({ credits: '100000' });
  const post = (path: string, parts: Part[], headers: Record<string, string> = {}) => {
    const { body, contentType } = multipart(parts);
    return station.app.inject({ method: 'POST', url: path, payload: body, headers: { authorization: `Bearer ${plaintext}`, 'content-type': contentType, ...headers } });
  };
  return { station, provider, key: plaintext, post };
}
