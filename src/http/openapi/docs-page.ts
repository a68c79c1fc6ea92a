/**
 * @module GET /docs: the API reference rendered by Swagger UI, served entirely by the station
 * (it may run offline, so nothing comes from a CDN). The assets are read from the installed
 * swagger-ui-dist package on first request and kept; their URLs carry the package's version, so
 * they can be cached for a year and an upgrade still reaches every browser.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const packageJson = require.resolve('swagger-ui-dist/package.json');
const DIST = path.dirname(packageJson);
const UI_VERSION = (require(packageJson) as { version: string }).version;
export const ASSET_BASE = `/docs/assets/${UI_VERSION}`;

/** Our own start-up script, a file rather than inline so the page's CSP can forbid inline scripts. */
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Swagger UI would otherwise send the document to an outside validator for a badge.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** The only files served: an allow-list, so no request can name another file of the package. */
const ASSETS: Readonly<Record<string, { type: string; source: string | { text: string } }>> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', source: 'swagger-ui.css' },
  'swagger-ui.css.map': { type: 'application/json; charset=utf-8', source: 'swagger-ui.css.map' },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', source: 'swagger-ui-bundle.js' },
  'favicon-32x32.png': { type: 'image/png', source: 'favicon-32x32.png' },
  'init.js': { type: 'text/javascript; charset=utf-8', source: { text: INIT } },
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>aigate API reference</title>
  <link rel="stylesheet" href="${ASSET_BASE}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${ASSET_BASE}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSET_BASE}/swagger-ui-bundle.js"></script>
  <script src="${ASSET_BASE}/init.js"></script>
</body>
</html>
`;

/** Same origin only; Swagger UI sets inline styles and uses data: images for its icons. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const loaded = new Map<string, Promise<Buffer>>();
const load = (source: string | { text: string }) => {
  if (typeof source !== 'string') return Promise.resolve(Buffer.from(source.text));
  let bytes = loaded.get(source);
  if (!bytes) {
    bytes = readFile(path.join(DIST, source));
    loaded.set(source, bytes);
    // A failed read is not kept, so a file restored later is served again.
    bytes.catch(() => loaded.delete(source));
  }
  return bytes;
};

export function registerDocsPage(app: FastifyInstance): void {
  app.get('/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CSP).send(PAGE),
  );
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`${ASSET_BASE}/${name}`, async (_request, reply) =>
      reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(await load(asset.source)),
    );
  }
}
