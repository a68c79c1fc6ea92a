/**
 * @module A channel call's signal: the request's, or the channel's timeout, whichever fires first.
 * Made by hand rather than with AbortSignal.any and AbortSignal.timeout: on Node 20 each `any`
 * is tracked through weak references, and each `timeout` leaves a timer running for the whole
 * channel timeout (minutes) after the call is over, so tens of thousands of them stay live under
 * load for the GC to walk. A generation knows when its call is over (for a passed-through image,
 * when its flow closes), so the timer is cleared then and nothing is left behind.
 */

export interface Deadline {
  signal: AbortSignal;
  /** The call is over: the timer is cleared and the request's signal let go. */
  dispose(): void;
}

export function deadline(parent: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  // The reason AbortSignal.timeout gives, which the HTTP client recognises as a timeout.
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  timer.unref();
  parent.addEventListener('abort', onAbort, { once: true });
  if (parent.aborted) onAbort();
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
