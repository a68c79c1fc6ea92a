/**
 * @module Stopping a station cleanly (SIGTERM): refuse new requests at once, let generations in
 * flight finish within the grace period, then end the rest with a 503 (their holds are released
 * by the use case like any other failure), close the server and the store.
 */
import type { FastifyInstance } from 'fastify';
import { shuttingDown } from '../errors.js';

/** While draining, how often connections that have gone idle are closed. */
export const IDLE_SWEEP_MS = 100;

export interface Lifecycle {
  /** Passed to buildApp: `draining` and `shutdown`. */
  readonly signals: { draining: AbortSignal; shutdown: AbortSignal };
  /** Runs the shutdown once; later calls get the same promise. */
  stop(app: FastifyInstance, graceMs: number, closeRest: () => Promise<void>): Promise<void>;
}

export function lifecycle(): Lifecycle {
  const draining = new AbortController();
  const shutdown = new AbortController();
  let stopping: Promise<void> | undefined;
  return {
    signals: { draining: draining.signal, shutdown: shutdown.signal },
    stop(app, graceMs, closeRest) {
      stopping ??= (async () => {
        draining.abort(shuttingDown());
        // close() stops listening, closes idle connections and resolves once in-flight requests end.
        const closed = app.close();
        const grace = setTimeout(() => shutdown.abort(shuttingDown()), graceMs);
        // close() resolves only when every connection is gone, and it closes only those idle when
        // it was called: a keep-alive connection whose request finishes later would be kept for
        // its whole keep-alive timeout (72 s), past the grace period and any orchestrator's.
        const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
        try {
          await closed;
        } finally {
          clearInterval(sweep);
          clearTimeout(grace);
        }
        await closeRest();
      })();
      return stopping;
    },
  };
}
