/**
 * @module Writes a generated image the way `accept` asks (spec §5): the bytes with `finish-reason`
 * and `seed` headers, or JSON with `content-type: application/json; type=image/...`. The JSON is
 * concatenated around one base64 encoding instead of stringifying an object that holds it.
 */
import type { FastifyReply } from 'fastify';
import type { GenerationResult } from '../../../providers/provider.js';

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

export function sendImage(reply: FastifyReply, result: GenerationResult, channel: string, accept: string | undefined) {
  const mime = MIME[result.format];
  // The usage log keeps what the client got (after the response, src/http/usage-log.ts).
  reply.request.delivered = { bytes: result.bytes, format: result.format };
  reply.header('x-aigate-channel', channel);
  if (wantsJson(accept)) {
    const body = `{"image":"${result.bytes.toString('base64')}","finish_reason":"${result.finishReason}","seed":${result.seed}}`;
    // Set the header directly: reply.type() would normalise it to `type="image"; charset=utf-8`.
    return reply.status(200).header('content-type', `application/json; type=${mime}`).send(Buffer.from(body));
  }
  return reply.status(200).header('content-type', mime).header('finish-reason', result.finishReason).header('seed', String(result.seed)).send(result.bytes);
}
