/**
 * @module Classifies a webui answer that is not a 200. The webui wraps every HTTPException as
 * `{"error", "detail", "body", "errors"}` (modules/api/api.py, handle_exception); FastAPI's request
 * validation stays `{"detail": [{"loc", "msg", "type"}]}`; proxies in front answer HTML.
 */
import { GatewayError } from '../../errors.js';
import { UpstreamFailure } from '../upstream-failure.js';

/** Upstream field names that are the station's own under another name. */
const STATION_FIELD: Readonly<Record<string, string>> = {
  denoising_strength: 'strength',
  init_images: 'image',
};

const MAX_MESSAGE = 300;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text);

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One `<field>: <message>` per FastAPI validation item: loc is ["body", "<field>", ...]. */
function validationMessages(detail: unknown[]): string[] {
  return detail.filter(isRecord).map((item) => {
    const loc = Array.isArray(item.loc) ? item.loc.map(String) : [];
    const path = loc[0] === 'body' ? loc.slice(1) : loc;
    const top = path[0] ?? 'body';
    const field = [STATION_FIELD[top] ?? top, ...path.slice(1)].join('.');
    return clip(`${field}: ${typeof item.msg === 'string' ? item.msg : 'is invalid'}`);
  });
}

/** The upstream's own words for a refusal, as catalogue strings. */
export function refusalMessages(body: Buffer): string[] {
  const parsed = parseJson(body);
  if (isRecord(parsed)) {
    if (Array.isArray(parsed.detail)) {
      const messages = validationMessages(parsed.detail);
      if (messages.length > 0) return messages;
    }
    if (typeof parsed.detail === 'string' && parsed.detail !== '') return [clip(`request: ${parsed.detail}`)];
  }
  return ['request: the upstream refused the request'];
}

/** A short, credential-free description of an error body, for logs. */
function describe(body: Buffer): string {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return 'no JSON body';
  const parts = [parsed.error, parsed.detail, parsed.errors].filter((p): p is string => typeof p === 'string' && p !== '');
  return clip(parts.join(': ') || 'no detail');
}

/** The failure (or catalogue error) for a non-200 answer to a generation call. */
export function failureFor(status: number, body: Buffer): Error {
  // 400 (e.g. "Sampler not found") and 422 (FastAPI validation) refuse what was asked, not the channel.
  if (status === 400 || status === 422) return new GatewayError('bad_request', refusalMessages(body));
  // A reverse proxy's body limit; the webui itself has none.
  if (status === 413) return new GatewayError('payload_too_large', ['image: the upstream refused the request as too large']);
  // 401 is the webui's --api-auth; 403 a proxy's access rule in front of it.
  if (status === 401 || status === 403) {
    return new UpstreamFailure('credentials', `a1111 refused the channel's credentials (${status}: ${describe(body)})`, true, status);
  }
  // The webui has no rate limit; a proxy in front of it may.
  if (status === 429) return new UpstreamFailure('rate_limited', 'a1111 (or its proxy) is rate limiting this channel', true, status);
  // 5xx (CUDA out of memory, "Invalid encoded image"...), and 404 when --api is off or the route
  // is missing: nothing was generated, another channel may serve.
  return new UpstreamFailure('server_error', `a1111 answered ${status} (${describe(body)})`, true, status);
}
