/**
 * @module The circuit breaker's verdict on a channel whose image streams: given when the stream
 * ends, not when its head arrives. An upstream that always breaks off mid-image must count as
 * failing (and reach the operator's log), or its circuit would never open.
 */
import type { FlowStage } from '../providers/image-flow.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';

export interface Verdicts {
  success(): Promise<void>;
  failure(error: UpstreamFailure): Promise<void>;
  /** Neither: the client left, or the stream was never read. */
  abandon(): Promise<void>;
}

/** The flow's stage that gives exactly one verdict: success at its end, failure when the upstream broke it, else abandon. */
export function verdictStage(verdicts: Verdicts): FlowStage {
  let given = false;
  let verdict: () => Promise<void> = verdicts.abandon;
  const give = (chosen: () => Promise<void>) => {
    if (given) return Promise.resolve();
    given = true;
    return chosen();
  };
  return {
    // Before the charge's own `end`: the upstream delivered, whatever happens to the charge.
    end: () => give(verdicts.success),
    error: (error) => {
      if (error instanceof UpstreamFailure) verdict = () => verdicts.failure(error);
      return error;
    },
    close: () => give(verdict),
  };
}
