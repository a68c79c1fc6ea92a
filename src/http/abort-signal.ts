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
  return shutdown ? AbortSignal.any([controller.signal, shutdown]) : controller.signal;
}
