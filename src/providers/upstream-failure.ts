/**
 * @module How an adapter reports that its upstream failed, in terms the router can act on. The
 * question that matters is whether the upstream may already have generated (and billed) an
 * image: if it may have, failing over would pay for a second one.
 */

export type FailureKind =
  /** Never reached the upstream, or refused before it read the request: safe to fail over. */
  | 'unreachable'
  /** 429 from the upstream: safe to fail over. */
  | 'rate_limited'
  /** A 5xx answer: the upstream says it did not produce the image; safe to fail over. */
  | 'server_error'
  /** The channel's credentials were refused or its account is out of credit: disable it, fail over. */
  | 'credentials'
  /** No answer in time. Safe to fail over only if the request was never fully sent. */
  | 'timeout'
  /** The answer broke off or made no sense after the request was sent: no failover. */
  | 'broken';

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Whether the whole request reached the upstream (only `timeout` depends on it). */
    readonly sent: boolean,
    /** The upstream's HTTP status, when it answered one. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamFailure';
  }

  /** True when trying another channel cannot pay for the same image twice. */
  get retryable(): boolean {
    if (this.kind === 'broken') return false;
    if (this.kind === 'timeout') return !this.sent;
    return !this.proxyTimeout;
  }

  /**
   * A 504 or 524 in front of an upstream (a gateway, Cloudflare) means the request reached the
   * origin and it did not answer in time: it may still be generating, so this is a timeout for
   * the caller (504) and never a reason to fail over.
   */
  get proxyTimeout(): boolean {
    return this.kind === 'server_error' && (this.status === 504 || this.status === 524);
  }
}
