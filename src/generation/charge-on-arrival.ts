/**
 * @module The charge of a passed-through image: the stream runs to the client as it arrives, the
 * hold is captured only once the upstream's last byte is in, and the last byte goes out only
 * after that. An answer that breaks off, times out or is left by its client is released, never
 * charged; the client then sees a cut connection, never a short image that looks whole.
 */
import { GatewayError, internalError, upstreamError, upstreamTimeout } from '../errors.js';
import type { FlowStage } from '../providers/image-flow.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import type { GenerationTrace } from './generate-image.js';

export interface Settlement {
  /** Captures the hold; false when it can no longer be (its lease ran out). */
  capture(): Promise<boolean>;
  /** Releases the hold and reports the request settled (called at most once). */
  release(): Promise<void>;
  /** Reports the request settled after a capture (called at most once, and never with release). */
  captured(): void;
}

/** How the usage log, logs and metrics record a response cut off after its head went out. */
function cutShortBy(error: unknown, trace: GenerationTrace, signal: AbortSignal): Error {
  if (signal.aborted && !(error instanceof UpstreamFailure)) {
    // The client left (499, the default), or the station is shutting down (503): the signal says which.
    const reason: unknown = signal.reason;
    if (reason instanceof GatewayError && reason.code !== 'client_closed_request') trace.cutShort = { status: reason.status, errorName: reason.code };
    return error as Error;
  }
  const failure = error instanceof UpstreamFailure ? error : undefined;
  const mapped = failure ? (failure.kind === 'timeout' ? upstreamTimeout() : upstreamError()) : internalError();
  trace.cutShort = { status: mapped.status, errorName: mapped.code };
  const last = trace.attempts.at(-1);
  if (last && failure) Object.assign(last, { status: failure.status ?? null, outcome: failure.kind });
  return Object.assign(mapped, { cause: error });
}

/**
 * The flow's stage that charges the image: the hold is captured once the upstream's last byte is
 * in, before the client's last byte goes out (image-flow.ts), and released on every other ending.
 */
export function chargeStage(settlement: Settlement, trace: GenerationTrace, signal: AbortSignal): FlowStage {
  let captured = false;
  return {
    end: async () => {
      signal.throwIfAborted();
      captured = await settlement.capture();
      // The lease ran out and a sweep took the hold back (decision 56): no charge, so no image.
      if (!captured) throw new Error('the hold expired before capture');
    },
    error: (error) => cutShortBy(error, trace, signal),
    close: () => (captured ? settlement.captured() : settlement.release()),
  };
}
