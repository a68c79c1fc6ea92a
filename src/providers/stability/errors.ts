/**
 * @module Turns a non-200 answer in Stability's error shape `{id, name, errors: [...]}` into what
 * the router acts on: a catalogue error for refusals that are the caller's fault, an
 * UpstreamFailure for everything that is the channel's.
 */
import { contentModeration, GatewayError } from '../../errors.js';
import { UpstreamFailure } from '../upstream-failure.js';

export interface StabilityErrorBody {
  name: string | undefined;
  errors: string[];
}

/** Keys (Stability's and aigate's `sk-...`) and bearer tokens never reach a client or a log. */
const SECRET = /\b(sk|adm)-[A-Za-z0-9_-]{8,}|bearer\s+\S+/gi;
const MAX_ERRORS = 20;
const MAX_ERROR_CHARS = 1000;

/** Reads the error body leniently: a proxy in between may answer HTML or nothing at all. */
export function readErrorBody(body: Buffer): StabilityErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { name: undefined, errors: [] };
  }
  if (typeof parsed !== 'object' || parsed === null) return { name: undefined, errors: [] };
  const { name, errors, message } = parsed as Record<string, unknown>;
  // v2beta answers `errors: [...]`; aigate's and Stability's v1 shape carries one `message`.
  const list = Array.isArray(errors) ? errors : typeof message === 'string' ? [message] : [];
  return {
    name: typeof name === 'string' ? name : undefined,
    errors: list
      .filter((e): e is string => typeof e === 'string' && e.length > 0)
      .slice(0, MAX_ERRORS)
      .map((e) => e.slice(0, MAX_ERROR_CHARS).replace(SECRET, '[redacted]')),
  };
}

/** The caller-visible errors, or one line saying who refused when the upstream gave none. */
const errorsOr = (body: StabilityErrorBody, status: number) =>
  body.errors.length > 0 ? body.errors : [`request: the upstream refused it (${status}${body.name ? ` ${body.name}` : ''})`];

/**
 * What a non-200 answer means.
 * @returns a GatewayError (400, 403 moderation, 413, 422) or an UpstreamFailure to throw.
 */
export function failureFor(status: number, raw: Buffer): Error {
  const body = readErrorBody(raw);
  const named = body.name ? ` (${body.name})` : '';
  switch (status) {
    case 400:
      return new GatewayError('bad_request', errorsOr(body, status));
    case 401:
      return new UpstreamFailure('credentials', `stability refused the channel's key${named}`, true, status);
    case 402:
      // The channel's account (or a chained station's key) is out of credit: disable it, fail over.
      return new UpstreamFailure('credentials', `stability says the channel's account is out of credit${named}`, true, status);
    case 403:
      if (body.name === 'content_moderation') return contentModeration();
      // A chained aigate answers permission_denied when the channel's key may not use the model.
      if (body.name === 'permission_denied') {
        return new UpstreamFailure('credentials', `stability refused the channel's key for this request${named}`, true, status);
      }
      // Anything else (a firewall's page in front of the API) is no verdict on the caller.
      return new UpstreamFailure('server_error', `stability answered 403${named}`, true, status);
    case 413:
      return new GatewayError('payload_too_large', errorsOr(body, status));
    case 422:
      if (body.name === 'invalid_language' || body.name === 'public_figure') return new GatewayError(body.name, errorsOr(body, status));
      return new GatewayError('bad_request', errorsOr(body, status));
    case 429:
      return new UpstreamFailure('rate_limited', `stability rate-limited the channel${named}`, true, status);
  }
  // 5xx, and 4xx that no generation follows (404 when a chained station lacks the endpoint):
  // the upstream made no image, so another channel may try.
  if (status >= 400) return new UpstreamFailure('server_error', `stability answered ${status}${named}`, true, status);
  return new UpstreamFailure('broken', `stability answered an unexpected ${status}`, true, status);
}
