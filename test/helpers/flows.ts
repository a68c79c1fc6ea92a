/** @module Image flows for unit tests: an upstream body that hands out given parts one read at a time. */
import { Readable } from 'node:stream';
import { ImageFlow, type FlowOptions } from '../../src/providers/image-flow.js';

export type Part = string | Buffer | Error;

/** A body that answers each read with the next part; an Error part breaks it there. */
export function partsSource(parts: readonly Part[]): Readable {
  let next = 0;
  return new Readable({
    highWaterMark: 0,
    read() {
      const part = parts[next++];
      if (part === undefined) this.push(null);
      else if (part instanceof Error) this.destroy(part);
      else this.push(Buffer.from(part));
    },
  });
}

export const flowOf = (parts: readonly Part[], options: Partial<FlowOptions> = {}) =>
  new ImageFlow(partsSource(parts), { signal: new AbortController().signal, ...options });

/** Reads a stream to its end, noting each chunk as text in `seen`. */
export async function readOut(out: Readable, seen: string[] = []): Promise<string[]> {
  for await (const chunk of out) seen.push(`${chunk as Buffer}`);
  return seen;
}
