/**
 * @module The one HTTP client of every adapter (undici, pooled keep-alive connections). It knows
 * the one thing the router needs beyond the answer: whether the request was fully sent when
 * something went wrong, because after that the upstream may already be generating.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { GatewayError } from '../../errors.js';
import { ImageFlow } from '../image-flow.js';
import { UpstreamFailure } from '../upstream-failure.js';

interface SentOptions {
  /** Called once undici has handed the whole request to the socket. */
  onSent?: () => void;
}

/**
 * An Agent that tells a call when its request is all sent, through undici's own `onRequestSent`
 * hook. The body stays a Buffer, written with the headers in one go. A Readable body (how this
 * was known before) costs a stream and its listeners per call, and undici's stream writer left
 * about 6% of each request's objects alive past two scavenges, promoted to the old generation
 * only to die there (decision 112).
 */
class SentAwareAgent extends Agent {
  override dispatch(options: Agent.DispatchOptions & SentOptions, handler: Dispatcher.DispatchHandler): boolean {
    // request()'s handler is undici's legacy one: Request calls its onRequestSent, when present, after the last byte.
    if (options.onSent) (handler as { onRequestSent?: () => void }).onRequestSent = options.onSent;
    return super.dispatch(options, handler);
  }
}

// The channel's timeout governs through the call's signal; undici's own 300 s header and body
// timeouts would otherwise cut a slow but legitimate generation short as a broken answer.
const pool = new SentAwareAgent({ keepAliveTimeout: 30_000, connections: 256, connect: { timeout: 10_000 }, headersTimeout: 0, bodyTimeout: 0 });

/** Upstream answers are images or small JSON; nothing legitimate is larger. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface UpstreamCall {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal: AbortSignal;
  maxBytes?: number;
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const isTimeout = (reason: unknown) => reason instanceof Error && reason.name === 'TimeoutError';

/** What to throw once the call's signal has fired: the client's reason, or a timeout failure. */
export function abortedFailure(signal: AbortSignal, sent: boolean): Error {
  if (isTimeout(signal.reason)) return new UpstreamFailure('timeout', 'the upstream did not answer in time', sent);
  return signal.reason instanceof Error ? signal.reason : new GatewayError('client_closed_request', ['client: closed the connection']);
}

function failureOf(error: unknown, signal: AbortSignal, sent: boolean): Error {
  if (signal.aborted) return abortedFailure(signal, sent);
  if (error instanceof UpstreamFailure) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = `upstream connection failed (${code || (error as Error).message})`;
  if (UNREACHABLE.has(code) || !sent) return new UpstreamFailure('unreachable', message, false, undefined, { cause: error });
  return new UpstreamFailure('broken', message, true, undefined, { cause: error });
}

/** An answer whose body is still arriving. */
export interface OpenAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body, read once: whole (`readAll(body.open())`) or passed through (image-flow.ts). At most
   * `maxBytes` and exactly its declared length; it fails with what `callUpstream` would (a broken
   * or timed-out answer, or the client's abort reason). A reader that stops early closes the connection.
   */
  body: ImageFlow;
}

/** A declared content-length, when it is one. */
export function declaredLength(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** A body read whole. */
export async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Sends one request and returns once the answer's status and headers are in, its body unread.
 * @throws UpstreamFailure (unreachable, broken, timeout with `sent`), or the client's abort reason.
 */
export async function openUpstream(call: UpstreamCall): Promise<OpenAnswer> {
  // A call without a body counts as sent from the start, as before: its failures never mean "never reached".
  let sent = call.body === undefined;
  try {
    const answer = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      dispatcher: pool,
      onSent: () => (sent = true),
    } as Parameters<typeof request>[1] & SentOptions);
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: new ImageFlow(answer.body, {
        length: declaredLength(answer.headers['content-length']),
        maxBytes: call.maxBytes ?? DEFAULT_MAX_BYTES,
        signal: call.signal,
        failure: (error) => failureOf(error, call.signal, true),
      }),
    };
  } catch (error) {
    throw failureOf(error, call.signal, sent);
  }
}

/**
 * Sends one request and reads the whole answer.
 * @throws UpstreamFailure (unreachable, broken, timeout with `sent`), or the client's abort reason.
 */
export async function callUpstream(call: UpstreamCall): Promise<UpstreamAnswer> {
  const answer = await openUpstream(call);
  return { status: answer.status, headers: answer.headers, body: await readAll(answer.body.open()) };
}

/** Waits between polls; rejects at once, with the right failure, when the call's signal fires. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedFailure(signal, true));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedFailure(signal, true));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The first value of a header, as a string. */
export const header = (answer: Pick<UpstreamAnswer, 'headers'>, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
