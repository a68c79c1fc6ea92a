/**
 * @module GET /openapi.json and GET /docs. Public and unauthenticated: they describe the API, not
 * any account, and they sit outside the generation routes, whose guards are declared per route.
 * The document is built and serialized once, when the app is built; config is frozen by then.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { registerDocsPage } from './docs-page.js';
import { buildOpenApiDocument } from './document.js';

export async function openApiRoutes(app: FastifyInstance, options: { config: Config }): Promise<void> {
  const body = JSON.stringify(buildOpenApiDocument(options.config));
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  app.get('/openapi.json', async (request, reply) => {
    // Revalidated each time (prices are configuration), cheaply: the etag answers 304.
    reply.header('cache-control', 'no-cache').header('etag', etag);
    // Public, no credentials: tools on other origins (editors, client generators) may read it.
    reply.header('access-control-allow-origin', '*');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
  registerDocsPage(app);
}
