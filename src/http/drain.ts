/**
 * @module What to do with the rest of a body the station refused before reading it all (401
 * before the body, malformed multipart, a field error mid-stream). Closing at once makes clients
 * that are still sending fail with EPIPE instead of reading the answer; draining without bound
 * lets a client stream forever. So: discard up to the body cap, keep the connection, and cut it
 * only past the cap.
 */
import type { IncomingMessage } from 'node:http';

export function drainBounded(raw: IncomingMessage, limitBytes: number): void {
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limitBytes) raw.socket.destroy();
  });
  raw.resume();
}
