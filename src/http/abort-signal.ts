/**
 * @module The signal a generation runs under: it fires when the client closes the connection
 * before its answer is written, or when the station's shutdown grace period runs out.
 *
 * Shutdown reaches requests through one listener and a set of the requests still open, not
 * `AbortSignal.any([request, shutdown])`: on Node 20 every `any` leaves an entry in the
 * long-lived shutdown signal that is never pruned (nodejs/node#55351), so the station's heap
 * grew with every request it had ever served.
 */
import type { FastifyReply } from 'fastify';
import { clientClosedRequest } from '../errors.js';
import { onHangUp } from './hang-up.js';

export type RequestSignals = (reply: FastifyReply) => AbortSignal;

/** Makes each request's signal; `open()` counts the requests whose signal is still live (tests). */
export function requestSignals(shutdown?: AbortSignal): RequestSignals & { open(): number } {
  const live = new Set<AbortController>();
  shutdown?.addEventListener('abort', () => {
    for (const controller of live) controller.abort(shutdown.reason);
    live.clear();
  }, { once: true });

  const signalFor = (reply: FastifyReply) => {
    const controller = new AbortController();
    if (shutdown?.aborted) controller.abort(shutdown.reason);
    live.add(controller);
    onHangUp(reply.raw, () => controller.abort(clientClosedRequest()), () => live.delete(controller));
    return controller.signal;
  };
  return Object.assign(signalFor, { open: () => live.size });
}
