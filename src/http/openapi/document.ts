/**
 * @module Builds the OpenAPI 3.1 document of the public API once, when the app is built, from the
 * configuration (the model catalogue and its prices), the zod field schemas and the error
 * catalogue. Nothing in it is a second copy of a rule the validators enforce.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config.js';
import type { Endpoint } from '../../providers/provider.js';
import { STABILITY_PREFIXES } from '../routes/stability/index.js';
import { sd3Catalogue } from '../routes/stability/validate-sd3.js';
import { formSchema } from './forms.js';
import { ref, type JsonObject } from './json.js';
import { errorResponses, imageResponse, PATH_LEVEL, publicCodes, responseComponents, V1_ERRORS } from './responses.js';

/** src/http/openapi and dist/http/openapi both sit three levels below the package root. */
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const TITLE: Record<Endpoint, string> = { sd3: 'Stable Diffusion 3', ultra: 'Stable Image Ultra', core: 'Stable Image Core' };
const FORM_NAME: Record<Endpoint, string> = { sd3: 'Sd3Form', ultra: 'UltraForm', core: 'CoreForm' };
const CLIENT_HEADERS = { ClientId: 'stability-client-id', ClientUserId: 'stability-client-user-id', ClientVersion: 'stability-client-version' };

const errorRefs = (statuses: Iterable<string>, prefix: string): JsonObject =>
  Object.fromEntries([...statuses].map((s) => [s, ref('responses', `${prefix}${s}`)]));

const ACCOUNT: readonly { path: string; id: string; summary: string; schema: JsonObject }[] = [
  { path: '/v1/user/balance', id: 'getBalance', summary: "The calling key's spendable credits (credits held by generations in flight excluded)", schema: { type: 'object', properties: { credits: { type: 'number', minimum: 0 } }, required: ['credits'] } },
  {
    path: '/v1/user/account',
    id: 'getAccount',
    summary: 'The account of the calling key',
    schema: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, profile_picture: { type: 'string' }, organizations: { type: 'array', items: {} } }, required: ['id', 'email', 'profile_picture', 'organizations'] },
  },
  {
    path: '/v1/engines/list',
    id: 'listEngines',
    summary: 'Every model of the catalogue',
    schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, type: { const: 'PICTURE' } }, required: ['id', 'name', 'description', 'type'] } },
  },
];

export function buildOpenApiDocument(config: Config): JsonObject {
  const sd3Models = [...sd3Catalogue(config.models).models.values()];
  // ultra and core are served only when the catalogue has them, as routes/stability/index.ts does.
  const endpoints = (['sd3', 'ultra', 'core'] as const).filter((e) => e === 'sd3' || config.models.has(e));
  const generationErrors = errorResponses(publicCodes().filter((c) => !PATH_LEVEL.has(c)), 'v2');
  const v1Errors = errorResponses(V1_ERRORS, 'v1');

  const shared = responseComponents();
  const schemas: JsonObject = { ...shared.schemas };
  const operations: { path: string; method: 'post' | 'get'; id: string; tag: string; op: JsonObject }[] = [];
  for (const endpoint of endpoints) {
    schemas[FORM_NAME[endpoint]] = formSchema(endpoint, sd3Models);
    const price = config.models.get(endpoint)?.price;
    operations.push({
      path: `/v2beta/stable-image/generate/${endpoint}`,
      method: 'post',
      id: `generate${endpoint[0]!.toUpperCase()}${endpoint.slice(1)}`,
      tag: 'Generate',
      op: {
        summary: `Generate an image with ${TITLE[endpoint]}`,
        description: `${price === undefined ? 'The price depends on `model`.' : `Costs ${price / 1000} credits per image.`} A failed generation is never charged. Validation lists every failing field at once, before any credit is touched.`,
        parameters: Object.keys(CLIENT_HEADERS).map((name) => ref('parameters', name)),
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: ref('schemas', FORM_NAME[endpoint]), encoding: { image: { contentType: 'image/jpeg, image/png, image/webp' } } } },
        },
        responses: { '200': ref('responses', 'Image'), ...errorRefs(generationErrors.keys(), 'Error') },
      },
    });
  }
  for (const account of ACCOUNT) {
    const ok = { description: account.summary, headers: { 'x-request-id': ref('headers', 'RequestId') }, content: { 'application/json': { schema: account.schema } } };
    operations.push({ path: account.path, method: 'get', id: account.id, tag: 'Account', op: { summary: account.summary, responses: { '200': ok, ...errorRefs(v1Errors.keys(), 'V1Error') } } });
  }

  const paths: Record<string, JsonObject> = {};
  for (const prefix of STABILITY_PREFIXES) {
    for (const { path, method, id, tag, op } of operations) {
      // The /sd twin is the same operation; only its id and tag differ, as operationIds must.
      const twin = prefix === '' ? { tags: [tag], operationId: id } : { tags: [`${tag} (/sd)`], operationId: `sd${id[0]!.toUpperCase()}${id.slice(1)}` };
      paths[`${prefix}${path}`] = { ...paths[`${prefix}${path}`], [method]: { ...twin, ...op } };
    }
  }

  const responses: JsonObject = { Image: imageResponse() };
  for (const [status, response] of errorResponses(publicCodes(), 'v2')) responses[`Error${status}`] = response;
  for (const [status, response] of v1Errors) responses[`V1Error${status}`] = response;
  return {
    openapi: '3.1.0',
    info: {
      title: 'aigate',
      version: VERSION,
      description:
        "A contract-exact copy of Stability AI's image API, served under both `/` (Stability's own paths) and `/sd`. " +
        'Errors are `{id, name, errors[]}` (v1 endpoints: `{id, name, message}`); an unknown path answers 404 `not_found`, ' +
        'a wrong method on a known path 405 `method_not_allowed` with an `Allow` header. Every response carries `x-request-id`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [{ name: 'Generate' }, { name: 'Account' }, { name: 'Generate (/sd)' }, { name: 'Account (/sd)' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Your API key as `authorization: Bearer sk-...`. A bare key without `Bearer ` is accepted too.' },
      },
      parameters: Object.fromEntries(
        Object.entries(CLIENT_HEADERS).map(([name, header]) => [
          name,
          { name: header, in: 'header', required: false, description: 'Recorded in the usage log (its first 256 characters).', schema: { type: 'string' } },
        ]),
      ),
      schemas,
      responses,
      headers: shared.headers,
    },
  };
}
