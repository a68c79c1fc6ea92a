/**
 * @module The charge of a passed-through image: the stream runs to the client as it arrives, the
 * hold is captured only once the upstream's last byte is in, and the last chunk goes out only
 * after that. An answer that breaks off, times out or is left by its client is released, never
 * charged; the client then sees a cut connection, never a short image that looks whole.
 */
import { GatewayError, internalError, upstreamError, upstreamTimeout } from '../errors.js';
import type { ImageStream } from '../providers/provider.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import type { GenerationTrace } from './generate-image.js';
import { whenNeverRead } from './never-read.js';

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
 * The image's chunks as the client's stream, charged as it ends; released if the stream is
 * dropped before its first read (never-read.ts).
 */
export function chargeOnArrival({ chunks, length }: ImageStream, settlement: Settlement, trace: GenerationTrace, signal: AbortSignal): AsyncGenerator<Buffer> {
  let over = false; // a hold settles once, however its stream ends
  const settle: Settlement = {
    capture: () => settlement.capture(),
    release: async () => {
      if (over) return;
      over = true;
      await settlement.release();
    },
    captured: () => {
      if (over) return;
      over = true;
      settlement.captured();
    },
  };
  const started = whenNeverRead(signal, () => void settle.release().catch(() => undefined));
  return charged(chunks, length, settle, trace, signal, started);
}

async function* charged(chunks: AsyncIterable<Buffer>, length: number | undefined, settle: Settlement, trace: GenerationTrace, signal: AbortSignal, started: () => void): AsyncGenerator<Buffer> {
  started();
  let captured = false;
  try {
    let held: Buffer | undefined;
    let size = 0;
    for await (const chunk of chunks) {
      if (held) yield held;
      held = undefined;
      size += chunk.length;
      // With the length declared, every chunk but the last goes on at once and only the last byte
      // waits for the capture: a response held up by a slow client keeps no extra chunk.
      if (length !== undefined && size < length) yield chunk;
      else if (length !== undefined && size === length && chunk.length > 1) {
        yield chunk.subarray(0, -1);
        held = chunk.subarray(-1);
      } else held = chunk;
    }
    signal.throwIfAborted();
    captured = await settle.capture();
    // The lease ran out and a sweep took the hold back (decision 56): no charge, so no image.
    if (!captured) throw new Error('the hold expired before capture');
    if (held) yield held;
  } catch (error) {
    throw cutShortBy(error, trace, signal);
  } finally {
    if (captured) settle.captured();
    else await settle.release();
  }
}
