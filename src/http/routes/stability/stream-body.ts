/**
 * @module Response bodies for a passed-through image: the bytes as they arrive, or Stability's JSON
 * (`{"image":"<base64>","finish_reason":...,"seed":...}`) built around a base64 encoding made chunk
 * by chunk, so neither the image nor its JSON is ever held whole. Lengths are exact when the
 * upstream declared its own.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FlowStage } from '../../../providers/image-flow.js';
import type { FinishReason } from '../../../providers/provider.js';

const JSON_HEAD = Buffer.from('{"image":"');
const jsonTail = (finishReason: FinishReason, seed: number) => Buffer.from(`","finish_reason":"${finishReason}","seed":${seed}}`);

/** The JSON answer's exact length for an image of `length` bytes. */
export const jsonLength = (length: number, finishReason: FinishReason, seed: number) => JSON_HEAD.length + 4 * Math.ceil(length / 3) + jsonTail(finishReason, seed).length;

/** Base64 of the whole stream, in pieces: each chunk's bytes up to a multiple of 3, the rest carried over. */
export class Base64Json extends Transform {
  #carry = Buffer.alloc(0);
  #headSent = false;
  readonly #tail: Buffer;

  constructor(finishReason: FinishReason, seed: number) {
    super();
    this.#tail = jsonTail(finishReason, seed);
  }

  /** With the first image byte, not before: an image that breaks before its first byte still gets a clean error answer. */
  #head() {
    if (!this.#headSent) this.push(JSON_HEAD);
    this.#headSent = true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.#head();
    let start = 0;
    if (this.#carry.length > 0) {
      start = Math.min(3 - this.#carry.length, chunk.length);
      this.#carry = Buffer.concat([this.#carry, chunk.subarray(0, start)]);
      if (this.#carry.length < 3) return done();
      this.push(Buffer.from(this.#carry.toString('base64'), 'latin1'));
      this.#carry = Buffer.alloc(0);
    }
    const end = start + Math.floor((chunk.length - start) / 3) * 3;
    if (end > start) this.push(Buffer.from(chunk.toString('base64', start, end), 'latin1'));
    if (end < chunk.length) this.#carry = Buffer.from(chunk.subarray(end));
    done();
  }

  override _flush(done: TransformCallback) {
    this.#head();
    if (this.#carry.length > 0) this.push(Buffer.from(this.#carry.toString('base64'), 'latin1'));
    this.push(this.#tail);
    done();
  }
}

/** The flow's stage that hands the whole image to `done` once it is in (only when the image is to be kept). */
export function collecting(done: (bytes: Buffer) => void): FlowStage {
  const all: Buffer[] = [];
  return { chunk: (chunk) => void all.push(chunk), end: () => done(Buffer.concat(all)) };
}
