/**
 * @module The circuit breaker's verdict on a channel whose image streams: given when the stream
 * ends, not when its head arrives. An upstream that always breaks off mid-image must count as
 * failing (and reach the operator's log), or its circuit would never open.
 */
import { UpstreamFailure } from '../providers/upstream-failure.js';
import { whenNeverRead } from './never-read.js';

export interface Verdicts {
  success(): Promise<void>;
  failure(error: UpstreamFailure): Promise<void>;
  /** Neither: the client left, or the stream was never read. */
  abandon(): Promise<void>;
}

/** `chunks`, with exactly one verdict once they end; one never read is abandoned (never-read.ts). */
export function judgedStream(chunks: AsyncIterable<Buffer>, verdicts: Verdicts, signal: AbortSignal): AsyncGenerator<Buffer> {
  let given = false;
  const give = (verdict: () => Promise<void>) => {
    if (given) return Promise.resolve();
    given = true;
    return verdict();
  };
  const started = whenNeverRead(signal, () => void give(verdicts.abandon));
  async function* judged(): AsyncGenerator<Buffer> {
    started();
    let verdict: () => Promise<void> = verdicts.abandon;
    try {
      for await (const chunk of chunks) yield chunk;
      verdict = verdicts.success;
    } catch (error) {
      if (error instanceof UpstreamFailure) verdict = () => verdicts.failure(error);
      throw error;
    } finally {
      await give(verdict);
    }
  }
  return judged();
}
