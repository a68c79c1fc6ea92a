/**
 * @module Turns Replicate's refusals into what the router acts on. Replicate answers problems as
 * RFC 7807 JSON `{"title", "detail", "status"}`, plus `invalid_fields: [{type, field, description}]`
 * when it rejects a prediction's payload (422).
 */
import { GatewayError } from '../../errors.js';
import { UpstreamFailure } from '../upstream-failure.js';

export interface ReplicateProblem {
  title: string | undefined;
  detail: string | undefined;
  invalidFields: { field: string; description: string }[];
}

/** Tokens (`r8_...`), bearer headers and URL query strings never reach a client or a log. */
const SECRET = /\br8_[A-Za-z0-9]{8,}|bearer\s+\S+|(https?:\/\/[^\s?"]+)\?\S*/gi;
const MAX_CHARS = 1000;
const MAX_FIELDS = 20;

export const clean = (text: string) => text.slice(0, MAX_CHARS).replace(SECRET, (match, url: string | undefined) => (url ? `${url}?[redacted]` : '[redacted]'));

const text = (value: unknown) => (typeof value === 'string' && value.trim().length > 0 ? clean(value.trim()) : undefined);

/** Reads a problem body leniently: a proxy in between may answer HTML or nothing at all. */
export function readProblem(body: Buffer): ReplicateProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { title: undefined, detail: undefined, invalidFields: [] };
  }
  if (typeof parsed !== 'object' || parsed === null) return { title: undefined, detail: undefined, invalidFields: [] };
  const { title, detail, invalid_fields: fields } = parsed as Record<string, unknown>;
  const invalidFields = (Array.isArray(fields) ? fields : []).slice(0, MAX_FIELDS).flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field, description } = entry as Record<string, unknown>;
    const said = text(description);
    return said ? [{ field: typeof field === 'string' ? field : '', description: said }] : [];
  });
  return { title: text(title), detail: text(detail), invalidFields };
}

/** Replicate's input names back to the station's fields, so the client reads its own field names. */
const OUR_FIELD: Readonly<Record<string, string>> = { cfg: 'cfg_scale', prompt_strength: 'strength' };

function ourField(field: string): string {
  const name = field.replace(/^input\.?/, '');
  if (name === '') return field === '' ? 'request' : 'input';
  return OUR_FIELD[name] ?? name;
}

/** `field: message` lines for the client, from `invalid_fields`, else from `detail`'s `- input.x: ...` lines. */
export function problemErrors(problem: ReplicateProblem, status: number): string[] {
  if (problem.invalidFields.length > 0) return problem.invalidFields.map(({ field, description }) => `${ourField(field)}: ${description}`);
  const lines = (problem.detail ?? '').split('\n').flatMap((line) => {
    const match = /^\s*-\s*([\w.]+):\s*(.+)$/.exec(line);
    return match ? [`${ourField(match[1]!)}: ${match[2]!.trim()}`] : [];
  });
  if (lines.length > 0) return lines;
  return [`request: ${problem.detail ?? problem.title ?? `replicate refused it (${status})`}`];
}

/**
 * What a refused create call means. Nothing was generated for any of these, so every
 * UpstreamFailure here is safe to fail over.
 * @returns a GatewayError (the caller's request was refused) or an UpstreamFailure to throw.
 */
export function failureFor(status: number, raw: Buffer): Error {
  const problem = readProblem(raw);
  const said = problem.detail ?? problem.title;
  const suffix = said ? `: ${said}` : '';
  if (status === 400 || status === 422) return new GatewayError('bad_request', problemErrors(problem, status));
  if (status === 401) return new UpstreamFailure('credentials', `replicate refused the channel's token${suffix}`, true, status);
  // "Insufficient credit" / billing required: the channel's account must be topped up.
  if (status === 402) return new UpstreamFailure('credentials', `replicate says the channel's account cannot pay${suffix}`, true, status);
  if (status === 403) return new UpstreamFailure('credentials', `replicate does not let the channel's token run this model${suffix}`, true, status);
  if (status === 429) return new UpstreamFailure('rate_limited', `replicate throttled the channel${suffix}`, true, status);
  if (status === 404) return new UpstreamFailure('server_error', `replicate has no such model${suffix}`, true, status);
  if (status >= 500) return new UpstreamFailure('server_error', `replicate failed (${status})${suffix}`, true, status);
  // Any other answer to a create call: no prediction exists, so another channel may try.
  return new UpstreamFailure('server_error', `replicate answered ${status}${suffix}`, true, status);
}
