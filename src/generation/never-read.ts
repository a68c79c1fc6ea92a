/**
 * @module A stream handed to the HTTP layer can be dropped before its first read (the client left
 * while the response was being set up). An async generator that never started never runs its
 * body, nor its `finally`, so whatever it would settle there must be settled by the client's
 * signal instead.
 */

/** Calls `dropped` when `signal` fires (or at once if it has) until the returned function is called on the first read. */
export function whenNeverRead(signal: AbortSignal, dropped: () => void): () => void {
  signal.addEventListener('abort', dropped, { once: true });
  if (signal.aborted) dropped();
  return () => signal.removeEventListener('abort', dropped);
}
