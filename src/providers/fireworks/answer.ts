/**
 * @module Reads Fireworks' answers. Errors come in several envelopes: the usual
 * `{"error": {"message", "param", "code", "type"}, "request_id"}` (401 UNAUTHORIZED, 412
 * PRECONDITION_FAILED for a suspended account), `{"error": "Too Many Requests", "message"}` on 429,
 * and FastAPI's `{"detail": ...}`; images carry `Finish-Reason` and `Seed` headers.
 */
import { GatewayError } from '../../errors.js';
import { header, type UpstreamAnswer } from '../http/upstream-http.js';
import type { FinishReason } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

const MAX_SEED = 4294967294;

/** Fireworks' field names, as the station's clients know them. */
const STATION_FIELD: Readonly<Record<string, string>> = {
  prompt: 'prompt',
  negative_prompt: 'negative_prompt',
  seed: 'seed',
  cfg_scale: 'cfg_scale',
  guidance_scale: 'cfg_scale',
  aspect_ratio: 'aspect_ratio',
  width: 'aspect_ratio',
  height: 'aspect_ratio',
  init_image: 'image',
  image_strength: 'strength',
};

interface Explained {
  message: string;
  /** The upstream field it names, if it names one. */
  param: string | undefined;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The upstream's own words, whatever the envelope; capped so a huge body cannot flood the logs. */
export function explain(body: Buffer): Explained {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { message: body.toString('utf8', 0, 300).trim() || 'no error body', param: undefined };
  }
  const root = (parsed ?? {}) as Record<string, unknown>;
  const error = (typeof root.error === 'object' && root.error !== null ? root.error : {}) as Record<string, unknown>;
  const fault = (root.fault ?? {}) as Record<string, unknown>;
  const detail = Array.isArray(root.detail) ? ((root.detail[0] ?? {}) as Record<string, unknown>) : {};
  const loc = Array.isArray(detail.loc) ? detail.loc.at(-1) : undefined;
  const message = text(error.message) ?? text(root.message) ?? text(root.error) ?? text(fault.faultstring) ?? text(root.detail) ?? text(detail.msg);
  return { message: (message ?? 'no error message').slice(0, 500), param: text(error.param) ?? text(loc) };
}

/** What a refusal means to the caller: `<field>: <upstream message>`, in the station's field names. */
function callerError(code: 'bad_request' | 'payload_too_large', why: Explained): GatewayError {
  const named = why.param ?? Object.keys(STATION_FIELD).find((field) => new RegExp(`^${field}\\b`).test(why.message));
  const field = (named !== undefined && STATION_FIELD[named]) || 'request';
  const message = named !== undefined && why.message.startsWith(`${named}:`) ? why.message.slice(named.length + 1).trim() : why.message;
  return new GatewayError(code, [`${field}: ${message}`]);
}

/** Classifies any answer but a 200 image. */
export function failureOf(answer: UpstreamAnswer): Error {
  const { status } = answer;
  const why = explain(answer.body);
  const says = `fireworks answered ${status}: ${why.message}`;
  // 401 bad key, 403 key not allowed, 402 and 412 (a suspended account): the channel cannot work.
  if ([401, 402, 403, 412].includes(status)) return new UpstreamFailure('credentials', says, true, status);
  if (status === 429) return new UpstreamFailure('rate_limited', says, true, status);
  // The station validated already, so a 400/422 is a limit only Fireworks knows (prompt length...).
  if (status === 400 || status === 422) return callerError('bad_request', why);
  if (status === 413) return callerError('payload_too_large', why);
  // A 2xx other than 200 is no documented answer: the image may exist, so never pay twice.
  if (status >= 200 && status < 300) return new UpstreamFailure('broken', says, true, status);
  // 5xx, and 404 (no such model on this account): nothing was generated, another channel may serve it.
  return new UpstreamFailure('server_error', says, true, status);
}

/** `Finish-Reason` on the image; absent means SUCCESS (Fireworks' own Python client assumes so). */
export function finishReasonOf(answer: UpstreamAnswer): FinishReason {
  const reason = header(answer, 'finish-reason') ?? 'SUCCESS';
  if (reason === 'SUCCESS' || reason === 'CONTENT_FILTERED') return reason;
  throw new UpstreamFailure('broken', `fireworks answered an unknown Finish-Reason ${reason.slice(0, 40)}`, true, answer.status);
}

/** The seed Fireworks reports, else the one we sent (they agree unless the upstream changed it). */
export function seedOf(answer: UpstreamAnswer, sent: number): number {
  const reported = Number(header(answer, 'seed'));
  return Number.isInteger(reported) && reported > 0 && reported <= MAX_SEED ? reported : sent;
}
