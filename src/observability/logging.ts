/**
 * @module Structured logs: pino JSON lines on stdout, each request's lines bound to its `reqId`
 * (the same 32-hex id the client gets in `x-request-id`). One line per request, written when it
 * completes, carries what an operator searches by: route, status, response time and, for a
 * generation, model, channel and credits. Secrets never reach a line: request headers are not
 * serialized at all, and any `authorization` or `cookie` field that slips into one is redacted.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.js';
import { onHangUp, unfinishedOutcome } from '../http/hang-up.js';
import { routeLabel } from './metrics.js';

export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;
/** Where lines go; stdout unless a test captures them. */
export interface LogDestination {
  write(line: string): void;
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
];

/** The path without its query string: a query may carry a token, and the path is what matters. */
const pathOf = (request: FastifyRequest) => (request.url.split('?')[0] ?? '/').slice(0, 256);

export function loggerOptions(level: Exclude<Config['logLevel'], 'silent'>, stream?: LogDestination): LoggerOptions {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Fastify's default already leaves headers out; spelled out so that stays true.
      req: (request) => ({ method: request.method, url: request.url?.split('?')[0], remoteAddress: request.ip }),
    },
  };
}

/** The fields of a request's completion line. Credits are in credits (the trace holds milli-credits). */
export function completionFields(request: FastifyRequest, status: number, responseTimeMs: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    method: request.method,
    route: routeLabel(request),
    url: pathOf(request),
    status,
    responseTime: Math.round(responseTimeMs * 10) / 10,
  };
  if (request.errorName) fields.error = request.errorName;
  if (request.apiKey) fields.keyId = request.apiKey.id;
  const trace = request.trace;
  const endpoint = request.routeOptions.config?.usageEndpoint;
  if (endpoint && trace) {
    Object.assign(fields, { endpoint, model: trace.model ?? null, channel: trace.channel ?? null, credits: trace.credits / 1000, attempts: trace.attempts.length });
  }
  return fields;
}

/**
 * Replaces Fastify's two lines per request ("incoming", "completed") by one completion line with
 * our fields; the incoming line stays available at debug level.
 */
export class StationLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = completionFields(request, reply.statusCode, reply.elapsedTime);
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/** Fastify writes no completion line for a client that hung up; this one does, once its hold settled. */
export function installHangUpLog(app: FastifyInstance): void {
  app.addHook('onRequest', async function logHangUp(request, reply) {
    onHangUp(reply.raw, () => {
      void (request.trace?.settled ?? Promise.resolve()).then(() => {
        const outcome = unfinishedOutcome(request);
        if (outcome.status === 499) request.log.info(completionFields(request, 499, reply.elapsedTime), 'client hung up');
        else request.log.error({ ...completionFields(request, outcome.status, reply.elapsedTime), error: outcome.errorName }, 'response cut short');
      });
    });
  });
}
