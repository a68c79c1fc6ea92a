/**
 * @module The common part of every upstream simulator: a loopback HTTP server, the faults a test
 * can inject (slow, fail, reset, garbage, moderation), and a record of each generation call in
 * upstream-neutral terms, so one contract suite can ask every simulator the same questions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';

export type Fault =
  /** Answer this status with the upstream's own error body for it. */
  | { kind: 'status'; status: number }
  /** Hold the answer this long (then answer normally). */
  | { kind: 'slow'; ms: number }
  /** Read the request, then destroy the connection without answering. */
  | { kind: 'reset' }
  /** Start a 200 answer, then destroy the connection mid-body. */
  | { kind: 'reset-mid-body' }
  /** A 200 whose body is not what the protocol promises. */
  | { kind: 'garbage' }
  /** The upstream's own moderation refusal. */
  | { kind: 'moderation' }
  /** Stability only: the real 200's headers and its first `bytes` bytes, then the connection destroyed. */
  | { kind: 'cut-after'; bytes: number }
  /** Stability only: the real 200's headers and its first `bytes` bytes, then nothing until the client closes. */
  | { kind: 'stall-after'; bytes: number };

/** One generation as the upstream saw it, in neutral terms. */
export interface SeenCall {
  path: string;
  /** The credential the client presented (bearer token, basic user:pass), if any. */
  credential: string | undefined;
  model: string | undefined;
  prompt: string | undefined;
  negativePrompt: string | undefined;
  seed: number | undefined;
  width: number | undefined;
  height: number | undefined;
  strength: number | undefined;
  hasImage: boolean;
  outputFormat: string | undefined;
  raw: Record<string, unknown>;
}

export interface Simulator {
  url: string;
  /** Faults for the next generation calls, first in first out; empty means behave. */
  faults: Fault[];
  /** A fault applied to every generation call while set. */
  always: Fault | undefined;
  /** Every generation call, in order. */
  calls: SeenCall[];
  /** Every HTTP request (method and path), including polls and downloads. */
  requests: string[];
  /** Resolves each stalled answer's connection as the client closes it (`stall-after`), in order. */
  stalledClosed: Promise<void>[];
  close(): Promise<void>;
}

export interface SimContext {
  sim: Simulator;
  /** The fault for this generation call, taken from the queue; undefined: behave. */
  takeFault(): Fault | undefined;
  /** Applies slow/reset/reset-mid-body/garbage; returns true when it answered (or hung up). */
  applyTransportFault(fault: Fault | undefined, res: ServerResponse, req: IncomingMessage, garbage: () => void): Promise<boolean>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer, ctx: SimContext) => Promise<void> | void;

export async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A small real image of the requested size whose colour follows the seed. */
export async function simImage(width: number, height: number, format: 'png' | 'jpeg' | 'webp', seed: number): Promise<Buffer> {
  const colour = { r: seed % 256, g: (seed >>> 8) % 256, b: (seed >>> 16) % 256 };
  return sharp({ create: { width, height, channels: 3, background: colour } }).toFormat(format).toBuffer();
}

/**
 * A large image of the requested size (noise that does not compress: about 3 bytes a pixel) that
 * the seed fixes, for answers that must arrive in many chunks.
 */
export async function noisyImage(width: number, height: number, format: 'png' | 'jpeg' | 'webp', seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).toFormat(format, format === 'png' ? { compressionLevel: 1 } : {}).toBuffer();
}

export const bearer = (req: IncomingMessage) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];

export async function startSimulator(handler: Handler): Promise<Simulator> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sim: Simulator = { url: '', faults: [], always: undefined, calls: [], requests: [], stalledClosed: [], close: async () => {} };
  const ctx: SimContext = {
    sim,
    takeFault: () => sim.faults.shift() ?? sim.always,
    async applyTransportFault(fault, res, req, garbage) {
      if (!fault) return false;
      if (fault.kind === 'slow') {
        await new Promise<void>((resolve) => {
          // The listener must go when the timer fires: a kept-alive socket serves many calls.
          const onClose = () => (clearTimeout(timer), timers.delete(timer), resolve());
          const timer = setTimeout(() => (timers.delete(timer), req.socket.off('close', onClose), resolve()), fault.ms);
          timers.add(timer);
          req.socket.once('close', onClose);
        });
        return req.socket.destroyed;
      }
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return true;
      }
      if (fault.kind === 'reset-mid-body') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        res.write(Buffer.alloc(1000, 7), () => req.socket.destroy());
        return true;
      }
      if (fault.kind === 'garbage') {
        garbage();
        return true;
      }
      return false;
    },
  };
  const server: Server = createServer((req, res) => {
    sim.requests.push(`${req.method} ${req.url}`);
    readAll(req)
      .then((body) => handler(req, res, body, ctx))
      .catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(error) });
        else res.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return sim;
}
