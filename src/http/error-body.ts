/**
 * @module THE mapper from anything thrown to a status, headers and Stability's error body
 * `{id, name, errors[]}` (v2beta) or `{id, name, message}` (v1, spec §11). Unknown errors become
 * a 500 that reveals nothing; they are logged with their cause by the caller.
 */
import { ERROR_CODES, GatewayError, internalError, type ErrorCode } from '../errors.js';

export type ErrorShape = 'v2' | 'v1';

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** False for errors the station did not mean to raise: those are logged as faults. */
  expected: boolean;
}

/** Framework errors that carry a client-side status (malformed JSON, unsupported media). */
function fromFrameworkError(error: { statusCode?: unknown; code?: unknown }): GatewayError | undefined {
  const status = typeof error.statusCode === 'number' ? error.statusCode : 0;
  if (error.code === 'FST_ERR_BAD_URL') return new GatewayError('bad_request', ['path: is not a valid URL']);
  if (status === 413) return new GatewayError('payload_too_large', ['body: payloads cannot be larger than 10MiB in size']);
  if (status === 415) return new GatewayError('bad_request', ['content-type: is not supported here']);
  if (status >= 400 && status < 500) return new GatewayError('bad_request', ['body: could not be parsed']);
  return undefined;
}

export function toGatewayError(error: unknown): { error: GatewayError; expected: boolean } {
  if (error instanceof GatewayError) return { error, expected: true };
  const framework = typeof error === 'object' && error !== null ? fromFrameworkError(error as Record<string, unknown>) : undefined;
  return framework ? { error: framework, expected: true } : { error: internalError(), expected: false };
}

export function errorReply(thrown: unknown, requestId: string, shape: ErrorShape): ErrorReply {
  const { error, expected } = toGatewayError(thrown);
  const name = ERROR_CODES[error.code as ErrorCode].name;
  const body = shape === 'v1' ? { id: requestId, name, message: error.errors.join('; ') } : { id: requestId, name, errors: [...error.errors] };
  return { status: error.status, headers: { ...error.headers }, body, expected };
}
