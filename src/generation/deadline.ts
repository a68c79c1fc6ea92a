/**
 * @module A channel call's signal: the request's, or the channel's timeout, whichever fires first.
 * Made by hand rather than with AbortSignal.any and AbortSignal.timeout, which cost every request
 * a composite signal tracked through weak references and a timer left to run out; a generation
 * knows when its call is over (for a passed-through image, when its flow closes).
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
