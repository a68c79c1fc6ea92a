/** @module Test helpers for the Stability provider: a server that records exactly what arrived and answers like Stability. */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import busboy from 'busboy';
import sharp from 'sharp';
import { simImage, startSimulator, type Simulator } from '../../../test/simulators/sim-kit.js';
import type { ChannelSettings } from '../provider.js';

export const KEY = 'sk-unitTestKey000000000000000000000000000000000000';
export const live = () => ({ signal: AbortSignal.timeout(10_000) });

export interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  fields: Record<string, string>;
  files: Record<string, { bytes: Buffer; filename: string; mimeType: string }>;
}

export type Reply = (res: ServerResponse, seen: Captured) => Promise<void> | void;

/** A server that records exactly what arrived, then answers with `reply`. */
export async function captureServer(reply: Reply): Promise<Simulator & { seen: Captured[] }> {
  const seen: Captured[] = [];
  const sim = await startSimulator(async (req, res, body) => {
    const captured: Captured = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, fields: {}, files: {} };
    await new Promise<void>((resolve, reject) => {
      const parser = busboy({ headers: req.headers });
      parser.on('field', (name, value) => (captured.fields[name] = value));
      parser.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => (captured.files[name] = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType }));
      });
      parser.on('close', resolve);
      parser.on('error', reject);
      parser.end(body);
    });
    seen.push(captured);
    await reply(res, captured);
  });
  return Object.assign(sim, { seen });
}

/** Answers like Stability: an image of the table's size in the asked format, with both headers. */
export const stabilityLike =
  (headers: Record<string, string> = { 'finish-reason': 'SUCCESS', seed: '31337' }, size = { width: 1024, height: 1024 }): Reply =>
  async (res, seen) => {
    const format = (seen.fields.output_format ?? 'png') as 'png' | 'jpeg' | 'webp';
    const bytes = await simImage(size.width, size.height, format, 7);
    res.writeHead(200, { 'content-type': `image/${format}`, ...headers }).end(bytes);
  };

export const settingsFor = (sim: Simulator, over: Partial<ChannelSettings> = {}): ChannelSettings => ({
  baseUrl: sim.url,
  credentials: KEY,
  modelMap: {},
  options: {},
  ...over,
});

export async function inputImage(width: number, height: number) {
  const bytes = await sharp({ create: { width, height, channels: 3, background: '#204060' } }).webp().toBuffer();
  return { bytes, format: 'webp' as const, width, height };
}

