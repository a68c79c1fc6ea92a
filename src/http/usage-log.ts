/**
 * @module Writes exactly one usage-log row for every request to a generation route, whatever its
 * outcome: after the response is sent, so the client never waits on it, or, when the client hung
 * up first (Fastify's onResponse never runs then), once the request's credit hold has settled.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { onHangUp } from './hang-up.js';

const clientHeader = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value.slice(0, 256) : null;
};

const HUNG_UP = { status: 499, errorName: 'client_closed_request' } as const;

export function installUsageLog(app: FastifyInstance, store: Store, now: () => number): void {
  async function write(request: FastifyRequest, reply: FastifyReply, endpoint: string, outcome: { status: number; errorName: string | null }) {
    const trace = request.trace ?? { credits: 0, attempts: [] };
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
        latencyMs: Math.round(reply.elapsedTime),
        ip: request.ip,
        clientId: clientHeader(request, 'stability-client-id'),
        clientUserId: clientHeader(request, 'stability-client-user-id'),
        clientVersion: clientHeader(request, 'stability-client-version'),
        createdAt: now(),
        attempts: trace.attempts,
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not write the usage log row');
    }
  }

  app.addHook('onRequest', async function watchHangUp(request: FastifyRequest, reply: FastifyReply) {
    const endpoint = request.routeOptions.config.usageEndpoint;
    if (!endpoint) return;
    onHangUp(reply.raw, () => {
      void (request.trace?.settled ?? Promise.resolve()).then(() => write(request, reply, endpoint, HUNG_UP));
    });
  });
  app.addHook('onResponse', async function usageLog(request: FastifyRequest, reply: FastifyReply) {
    const endpoint = request.routeOptions.config.usageEndpoint;
    if (endpoint) await write(request, reply, endpoint, { status: reply.statusCode, errorName: request.errorName });
  });
}
