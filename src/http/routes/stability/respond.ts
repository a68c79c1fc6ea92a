/**
 * @module Writes a generated image the way `accept` asks (spec §5): the bytes with `finish-reason`
 * and `seed` headers, or JSON with `content-type: application/json; type=image/...`. The JSON is
 * concatenated around one base64 encoding instead of stringifying an object that holds it. A
 * passed-through image streams (stream-body.ts); the headers are the same either way.
 */
import { pipeline } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ProviderAnswer, StreamedResult } from '../../../providers/provider.js';
import { Base64Json, collecting, jsonLength } from './stream-body.js';

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/** True when the client's most preferred media type is application/json. */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let best = { q: 0, json: false };
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > best.q) best = { q, json: type === 'application/json' };
  }
  return best.json;
}

function sendStream(reply: FastifyReply, result: StreamedResult, json: boolean, keep: boolean) {
  const { stream, format, finishReason, seed } = result;
  // The usage log keeps what the client got (only when images are kept).
  if (keep) stream.use(collecting((bytes) => (reply.request.delivered = { bytes, format })));
  const length = stream.length === undefined ? undefined : json ? jsonLength(stream.length, finishReason, seed) : stream.length;
  if (length !== undefined) reply.header('content-length', String(length));
  const bytes = stream.open();
  // pipeline, not pipe: a flow that breaks must break the JSON around it too, or the response would hang.
  return reply.send(json ? pipeline(bytes, new Base64Json(finishReason, seed), () => undefined) : bytes);
}

/** `keep`: whether the station keeps delivered images (the usage log stores them after the response). */
export function sendImage(reply: FastifyReply, result: ProviderAnswer, channel: string, accept: string | undefined, keep: boolean) {
  const mime = MIME[result.format];
  const json = wantsJson(accept);
  reply.header('x-aigate-channel', channel).status(200);
  // Set the header directly: reply.type() would normalise it to `type="image"; charset=utf-8`.
  if (json) reply.header('content-type', `application/json; type=${mime}`);
  else reply.header('content-type', mime).header('finish-reason', result.finishReason).header('seed', String(result.seed));
  if ('stream' in result) return sendStream(reply, result, json, keep);
  reply.request.delivered = { bytes: result.bytes, format: result.format };
  if (json) return reply.send(Buffer.from(`{"image":"${result.bytes.toString('base64')}","finish_reason":"${result.finishReason}","seed":${result.seed}}`, 'latin1'));
  return reply.send(result.bytes);
}
