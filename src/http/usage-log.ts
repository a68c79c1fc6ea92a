/**
 * @module Writes exactly one usage-log row for every request to a generation route, whatever its
 * outcome: after the response is sent, so the client never waits on it, or, when the client hung
 * up first (Fastify's onResponse never runs then), once the request's credit hold has settled.
 * A request answered 200 then has its image kept (src/images/); a failure to keep it is logged
 * and changes nothing else.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImageConfig } from '../images/image-config.js';
import { describeFailure, imageKeeper, openImageStore } from '../images/index.js';
import type { Store } from '../store/store.js';
import { onHangUp, unfinishedOutcome } from './hang-up.js';

const clientHeader = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value.slice(0, 256) : null;
};

/** `imageConfig`: where delivered images are kept; absent or `off`, none is. */
export function installUsageLog(app: FastifyInstance, store: Store, now: () => number, imageConfig?: ImageConfig, onLogged?: (requestId: string) => void): void {
  const images = imageConfig && openImageStore(imageConfig);
  if (images) app.addHook('onClose', () => images.close());
  const keeper = images && imageKeeper({ store, images });

  async function keep(request: FastifyRequest, at: number) {
    const delivered = request.delivered;
    if (!images || !keeper || !delivered) return;
    try {
      await keeper.keep(request.id, delivered, at);
    } catch (error) {
      request.log.warn({ imageStore: images.kind, failure: describeFailure(error) }, 'could not keep the generated image');
    }
  }

  async function write(request: FastifyRequest, reply: FastifyReply, endpoint: string, outcome: { status: number; errorName: string | null }) {
    const trace = request.trace ?? { credits: 0, attempts: [] };
    // Measured before the image is kept, which must not count as the request's time.
    const createdAt = now();
    const latencyMs = Math.round(reply.elapsedTime);
    try {
      await store.usage.insert({
        requestId: request.id,
        keyId: request.apiKey?.id ?? null,
        endpoint,
        model: trace.model ?? null,
        status: outcome.status,
        errorName: outcome.errorName,
        channel: trace.channel ?? null,
        credits: trace.credits,
        latencyMs,
        ip: request.ip,
        clientId: clientHeader(request, 'stability-client-id'),
        clientUserId: clientHeader(request, 'stability-client-user-id'),
        clientVersion: clientHeader(request, 'stability-client-version'),
        createdAt,
        attempts: trace.attempts,
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not write the usage log row');
    }
    // The row first: it is the request's record and must not wait on (or die with) a slow image
    // store, and rows stay in the order requests completed. Until the image is kept, the row's
    // image_url is null (it comes from the image's own row).
    if (outcome.status === 200) await keep(request, createdAt);
    onLogged?.(request.id);
  }

  app.addHook('onRequest', async function watchHangUp(request: FastifyRequest, reply: FastifyReply) {
    const endpoint = request.routeOptions.config.usageEndpoint;
    if (!endpoint) return;
    onHangUp(reply.raw, () => {
      void (request.trace?.settled ?? Promise.resolve()).then(() => write(request, reply, endpoint, unfinishedOutcome(request)));
    });
  });
  app.addHook('onResponse', async function usageLog(request: FastifyRequest, reply: FastifyReply) {
    const endpoint = request.routeOptions.config.usageEndpoint;
    if (endpoint) await write(request, reply, endpoint, { status: reply.statusCode, errorName: request.errorName });
  });
}
