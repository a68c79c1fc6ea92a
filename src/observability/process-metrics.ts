/**
 * @module prom-client's default Node.js metrics (CPU, memory, event-loop lag, GC), in a registry
 * of their own created once per process. They describe the process, not an app; and each
 * collection installs a GC observer and an event-loop monitor that are never removed, so a
 * process building many apps (the tests) must not start one per app.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

export function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
