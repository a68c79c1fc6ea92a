/**
 * @module Detects a client that hangs up before its response is complete. Tracks 'finish' itself
 * rather than reading `writableFinished`, which a socketless (injected) response never sets.
 */
import type { ServerResponse } from 'node:http';

export function onHangUp(response: ServerResponse, callback: () => void): void {
  if (response.destroyed && !response.writableEnded) {
    callback();
    return;
  }
  let finished = false;
  response.once('finish', () => (finished = true));
  response.once('close', () => {
    if (!finished) callback();
  });
}
