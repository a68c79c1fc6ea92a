/**
 * @module The responses of the public API as OpenAPI components: the image (bytes or JSON, spec
 * §5), its headers, and the errors (spec §7, §11). Error names and statuses come from the
 * catalogue (src/errors.ts), grouped by status, so a new code is documented by existing.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../errors.js';
import type { FinishReason } from '../../providers/provider.js';
import { OUTPUT_FORMATS } from '../routes/stability/fields.js';
import { jsonSchemaOf, ref, type JsonObject } from './json.js';

/** Only ever logged (the client has gone), never read by a client: not part of the API. */
export const LOG_ONLY: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['client_closed_request']);
/** Answered for a path or method the API does not have, so no operation lists them. */
export const PATH_LEVEL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['not_found', 'method_not_allowed']);
/** What the v1 account endpoints can answer: their guards' refusals and the station's faults. */
export const V1_ERRORS: readonly ErrorCode[] = ['unauthorized', 'rate_limit_exceeded', 'internal_error', 'service_unavailable'];

/** Keyed by FinishReason, so the type and this list cannot part. */
const FINISH_REASONS: Readonly<Record<FinishReason, string>> = {
  SUCCESS: 'the image was generated',
  CONTENT_FILTERED: 'the upstream blurred the output; still a 200, and charged, as Stability does',
};

export const publicCodes = (): ErrorCode[] => (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => !LOG_ONLY.has(c));

/** Catalogue codes grouped by HTTP status, in status order. */
export function byStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of [...codes].sort((a, b) => ERROR_CODES[a].status - ERROR_CODES[b].status)) {
    groups.set(ERROR_CODES[code].status, [...(groups.get(ERROR_CODES[code].status) ?? []), code]);
  }
  return groups;
}

const enumOf = (values: readonly string[]): JsonObject => {
  const [first, ...rest] = values;
  return first === undefined ? { type: 'string' } : jsonSchemaOf(z.enum([first, ...rest]));
};

const header = (description: string, schema: JsonObject = { type: 'string' }): JsonObject => ({ description, schema });

export function responseComponents(): { schemas: JsonObject; headers: JsonObject } {
  const finish = Object.keys(FINISH_REASONS);
  return {
    schemas: {
      ErrorName: { ...enumOf(publicCodes().map((c) => ERROR_CODES[c].name)), description: 'Every error name the API answers with.' },
      Error: {
        type: 'object',
        description: 'The v2beta error body. `errors` lists every failing field at once, each as `<field>: <rule>`.',
        properties: {
          id: { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'The request id, equal to the `x-request-id` header.' },
          name: ref('schemas', 'ErrorName'),
          errors: { type: 'array', items: { type: 'string' }, minItems: 1 },
        },
        required: ['id', 'name', 'errors'],
      },
      V1Error: {
        type: 'object',
        description: 'The v1 error body: one `message`.',
        properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' }, name: ref('schemas', 'ErrorName'), message: { type: 'string' } },
        required: ['id', 'name', 'message'],
      },
      ImageJson: {
        type: 'object',
        description: 'The image as JSON, answered when `accept` prefers application/json.',
        properties: {
          image: { type: 'string', contentEncoding: 'base64', description: 'The image bytes, base64-encoded.' },
          finish_reason: { ...enumOf(finish), description: finish.map((f) => `\`${f}\`: ${FINISH_REASONS[f as FinishReason]}`).join('; ') },
          seed: { type: 'integer', minimum: 1, description: 'The seed actually used, never 0.' },
        },
        required: ['image', 'finish_reason', 'seed'],
      },
    },
    headers: {
      RequestId: header('The request id, also in every error body as `id`; quote it when you report a problem.', { type: 'string', pattern: '^[0-9a-f]{32}$' }),
      FinishReason: header('`SUCCESS` or `CONTENT_FILTERED` (image bytes only).', enumOf(finish)),
      Seed: header('The seed actually used (image bytes only).', { type: 'integer', minimum: 1 }),
      Channel: header('The name of the upstream channel that made the image.'),
      RetryAfter: header('Whole seconds to wait before retrying: always on 429, and on 503 `service_unavailable`.', { type: 'integer', minimum: 1 }),
      Allow: header('The methods the path accepts.'),
    },
  };
}

/** The 200 of a generate endpoint: bytes in the requested format, or JSON. */
export function imageResponse(): JsonObject {
  const content: JsonObject = {};
  for (const format of OUTPUT_FORMATS) content[`image/${format}`] = { schema: { type: 'string', format: 'binary', contentMediaType: `image/${format}` } };
  content['application/json'] = { schema: ref('schemas', 'ImageJson') };
  return {
    description:
      'The image. `accept: application/json` answers JSON, with `content-type: application/json; type=image/<format>`; anything else ' +
      '(none, `image/*`, `*/*`) answers the bytes as `image/<output_format>` with `finish-reason` and `seed` headers.',
    headers: { 'x-request-id': ref('headers', 'RequestId'), 'x-aigate-channel': ref('headers', 'Channel'), 'finish-reason': ref('headers', 'FinishReason'), seed: ref('headers', 'Seed') },
    content,
  };
}

/** One response per status for `codes`, in the v2 or v1 body shape, its `name` narrowed to that status's names. */
export function errorResponses(codes: readonly ErrorCode[], shape: 'v2' | 'v1'): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const [status, group] of byStatus(codes)) {
    const names = group.map((c) => ERROR_CODES[c].name);
    const headers: JsonObject = { 'x-request-id': ref('headers', 'RequestId') };
    if (status === 429 || status === 503) headers['retry-after'] = ref('headers', 'RetryAfter');
    if (group.includes('method_not_allowed')) headers.allow = ref('headers', 'Allow');
    // The narrowing comes first: Swagger UI draws its example from the first schema that names a field.
    const schema = { allOf: [{ type: 'object', properties: { name: enumOf(names) } }, ref('schemas', shape === 'v2' ? 'Error' : 'V1Error')] };
    out.set(String(status), { description: names.map((n) => `\`${n}\``).join(', '), headers, content: { 'application/json': { schema } } });
  }
  return out;
}
