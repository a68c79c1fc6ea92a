/**
 * @module The one catalogue of errors the station can answer with. Each code carries its HTTP
 * status and the Stability-style `name`; src/http/error-body.ts is the only place that turns
 * them into a response body. Names follow Stability's v2beta API reference (spec §7).
 */

export const ERROR_CODES = {
  bad_request: { status: 400, name: 'bad_request' },
  unauthorized: { status: 401, name: 'unauthorized' },
  payment_required: { status: 402, name: 'payment_required' },
  content_moderation: { status: 403, name: 'content_moderation' },
  permission_denied: { status: 403, name: 'permission_denied' },
  not_found: { status: 404, name: 'not_found' },
  method_not_allowed: { status: 405, name: 'method_not_allowed' },
  payload_too_large: { status: 413, name: 'payload_too_large' },
  invalid_language: { status: 422, name: 'invalid_language' },
  public_figure: { status: 422, name: 'public_figure' },
  /** Admin API: an idempotency key reused for a different change. */
  conflict: { status: 409, name: 'conflict' },
  rate_limit_exceeded: { status: 429, name: 'rate_limit_exceeded' },
  internal_error: { status: 500, name: 'internal_error' },
  upstream_error: { status: 502, name: 'upstream_error' },
  no_channel_available: { status: 503, name: 'no_channel_available' },
  /** The station cannot check its shared limits (Redis unreachable): it refuses rather than guess. */
  service_unavailable: { status: 503, name: 'service_unavailable' },
  upstream_timeout: { status: 504, name: 'upstream_timeout' },
  /** Logged only: the client left before its answer, so nobody reads this body (nginx's 499). */
  client_closed_request: { status: 499, name: 'client_closed_request' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Each entry reads `<field>: <rule>`; all of them reach the client. */
  readonly errors: readonly string[];
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, errors: readonly string[], options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(errors.join('; '), { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.errors = errors;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (errors: readonly string[]) => new GatewayError('bad_request', errors);

export const unauthorized = () => new GatewayError('unauthorized', ['authorization: invalid or missing header value']);

export const paymentRequired = (why: string) => new GatewayError('payment_required', [why]);

export const contentModeration = () =>
  new GatewayError('content_moderation', [
    'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.',
  ]);

export const permissionDenied = (why: string) => new GatewayError('permission_denied', [why]);

/** Always closes: whatever is left of an over-large body is never read. */
export const payloadTooLarge = () =>
  new GatewayError('payload_too_large', ['body: payloads cannot be larger than 10MiB in size'], {
    headers: { connection: 'close' },
  });

export const rateLimited = (retryAfterSeconds: number) =>
  new GatewayError('rate_limit_exceeded', ['You have exceeded the rate limit for this endpoint; retry after the time in the Retry-After header.'], {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });

export const notFound = (path: string) => new GatewayError('not_found', [`path: ${path} was not found`]);

export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  new GatewayError('method_not_allowed', [`method: ${method} is not allowed here; use ${allowed.join(', ')}`], {
    headers: { allow: allowed.join(', ') },
  });

export const noChannelAvailable = (model: string) =>
  new GatewayError('no_channel_available', [`model: no channel is available for ${model} right now`]);

export const upstreamError = () => new GatewayError('upstream_error', ['upstream: every channel failed to generate the image']);

export const upstreamTimeout = () => new GatewayError('upstream_timeout', ['upstream: the channel did not answer in time']);

export const internalError = () => new GatewayError('internal_error', ['An unexpected server error occurred, please try again.']);

export const clientClosedRequest = () => new GatewayError('client_closed_request', ['client: closed the connection before the answer']);

export const serviceUnavailable = () =>
  new GatewayError('service_unavailable', ['station: cannot check rate limits and channel capacity right now; retry shortly'], {
    headers: { 'retry-after': '5' },
  });

/** Answered to requests that arrive, or are still generating past the grace period, during shutdown. */
export const shuttingDown = () =>
  new GatewayError('service_unavailable', ['station: shutting down; retry, another replica will answer'], {
    headers: { 'retry-after': '1', connection: 'close' },
  });
