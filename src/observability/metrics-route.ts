/**
 * @module GET /metrics in Prometheus' text format. Protection is opt-in (decision 58): with a
 * metrics token configured the scrape must send `Authorization: Bearer <token>`, since the
 * metrics name every channel and show the station's volumes; without one it is open, for a
 * scraper on a private network.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.js';
import type { StationMetrics } from './metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests, so neither the token's content nor its length leaks through timing. */
function bearerMatches(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

export function registerMetricsRoute(app: FastifyInstance, metrics: StationMetrics, token: string | undefined): void {
  const expected = token ? digest(token) : undefined;
  app.get('/metrics', async function scrape(request, reply) {
    if (expected && !bearerMatches(request, expected)) throw unauthorized();
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
}
