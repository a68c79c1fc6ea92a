/**
 * @module The signal a generation runs under: it fires when the client closes the connection
 * before its answer is written, or when the station's shutdown grace period runs out.
 */
import type { FastifyReply } from 'fastify';
import { clientClosedRequest } from '../errors.js';
import { onHangUp } from './hang-up.js';

export function abortSignalFor(reply: FastifyReply, shutdown?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  onHangUp(reply.raw, () => controller.abort(clientClosedRequest()));
  if (shutdown?.aborted) controller.abort(shutdown.reason);
  // A response already gone has nothing left to cut, and its 'close' has fired: no listener to leave behind.
  else if (shutdown && !controller.signal.aborted && !reply.raw.destroyed) {
    // By hand, not AbortSignal.any (weak references for every request): the listener goes with the response.
    const onShutdown = () => controller.abort(shutdown.reason);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    reply.raw.once('close', () => shutdown.removeEventListener('abort', onShutdown));
  }
  return controller.signal;
}
