/**
 * @module Detects a response that ends before it is complete: the client hung up, or a streamed
 * answer broke off. Tracks 'finish' itself
 * rather than reading `writableFinished`, which a socketless (injected) response never sets.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** `closed` runs once the response is over, however it ended (one listener serves both). */
export function onHangUp(response: ServerResponse, callback: () => void, closed?: () => void): void {
  if (response.destroyed && !response.writableEnded) {
    callback();
    closed?.();
    return;
  }
  let finished = false;
  response.once('finish', () => (finished = true));
  response.once('close', () => {
    if (!finished) callback();
    closed?.();
  });
}

/**
 * What a response that never finished is recorded as: 499 when the client hung up, or the
 * upstream's failure when a passed-through image broke off after its head went out.
 */
export const unfinishedOutcome = (request: FastifyRequest): { status: number; errorName: string } =>
  request.trace?.cutShort ?? { status: 499, errorName: 'client_closed_request' };
