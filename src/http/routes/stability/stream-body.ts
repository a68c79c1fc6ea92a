/**
 * @module Response bodies for a passed-through image: the bytes as they arrive, or Stability's JSON
 * (`{"image":"<base64>","finish_reason":...,"seed":...}`) built around a base64 encoding made chunk
 * by chunk, so neither the image nor its JSON is ever held whole. Lengths are exact when the
 * upstream declared its own.
 */
import type { FinishReason } from '../../../providers/provider.js';

const JSON_HEAD = Buffer.from('{"image":"');
const jsonTail = (finishReason: FinishReason, seed: number) => Buffer.from(`","finish_reason":"${finishReason}","seed":${seed}}`);

/** The JSON answer's exact length for an image of `length` bytes. */
export const jsonLength = (length: number, finishReason: FinishReason, seed: number) => JSON_HEAD.length + 4 * Math.ceil(length / 3) + jsonTail(finishReason, seed).length;

/** Base64 of the whole stream, in pieces: each chunk's bytes up to a multiple of 3, the rest carried over. */
export async function* base64Json(chunks: AsyncIterable<Buffer>, finishReason: FinishReason, seed: number): AsyncGenerator<Buffer> {
  yield JSON_HEAD;
  let carry = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let start = 0;
    if (carry.length > 0) {
      start = Math.min(3 - carry.length, chunk.length);
      carry = Buffer.concat([carry, chunk.subarray(0, start)]);
      if (carry.length < 3) continue;
      yield Buffer.from(carry.toString('base64'), 'latin1');
      carry = Buffer.alloc(0);
    }
    const end = start + Math.floor((chunk.length - start) / 3) * 3;
    if (end > start) yield Buffer.from(chunk.toString('base64', start, end), 'latin1');
    if (end < chunk.length) carry = Buffer.from(chunk.subarray(end));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
  yield jsonTail(finishReason, seed);
}

/** Passes `chunks` on and hands their concatenation to `done` at the end (only when the image is to be kept). */
export async function* collecting(chunks: AsyncIterable<Buffer>, done: (bytes: Buffer) => void): AsyncGenerator<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) {
    all.push(chunk);
    yield chunk;
  }
  done(Buffer.concat(all));
}
