/**
 * @module The operator console (web/, built by scripts/build-console.mjs into dist/console) at
 * /admin/: index.html, never cached, and its content-hashed assets under /admin/assets/, cached
 * for a year. Only those two paths are claimed, so the admin API's scope at /admin/api keeps its
 * own routes, auth hook and JSON 404s. Every answer here carries a same-origin-only CSP.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { GatewayError, methodNotAllowed, notFound } from '../../errors.js';

/** dist/console under the package root: three levels up from src/http/console and from dist/http/console alike. */
export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', 'dist', 'console');

/**
 * Scripts, styles, fetches and fonts from the station only; images also as data: (the icon) and
 * blob: (the playground's result). No inline script or style is needed: uPlot and Preact style
 * elements through the CSSOM, which style-src does not govern.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The build writes flat names like main-AB12CD34.js(.map): nothing else, no dot-dot, no slash. */
const ASSET_PATH = /^\/[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

const notBuilt = () => new GatewayError('service_unavailable', ['console: the web console is not built; run `npm run build`, then reload']);

export async function consoleRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? CONSOLE_DIR;

  app.addHook('onSend', async function consoleHeaders(_request, reply, payload) {
    reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer');
    return payload;
  });

  // Relative, so a proxy that serves the station under a path prefix keeps it.
  app.get('/admin', async (_request, reply) => reply.redirect('admin/', 301));

  // Read on each request (it is 1 KiB): a rebuild is served at once, and a missing build says so.
  app.get('/admin/', async (_request, reply) => {
    const page = await readFile(path.join(dir, 'index.html')).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? notBuilt() : error;
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });

  await app.register(consoleAssets, { prefix: '/admin/assets', root: path.join(dir, 'assets') });
}

/**
 * The hashed assets, in a scope of their own so a missing file is a 404 here: the station's
 * not-found handler would call it a 405, since the path matches the assets' GET route.
 */
async function consoleAssets(app: FastifyInstance, options: { root: string }): Promise<void> {
  app.setNotFoundHandler(async function missingAsset(request) {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw methodNotAllowed(request.method, ['GET', 'HEAD']);
    throw notFound(request.url.split('?')[0] ?? '/');
  });
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    decorateReply: false,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'deny',
    // Hashed names change with their content, so a year-long immutable cache is safe.
    cacheControl: true,
    maxAge: '365d',
    immutable: true,
    // Anything but a flat asset name is a 404 before the file system is asked.
    allowedPath: (pathname) => ASSET_PATH.test(pathname),
  });
}
