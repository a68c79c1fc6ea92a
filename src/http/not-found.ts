/**
 * @module 404 and 405 in the error shape (spec §1). Fastify answers an unknown method on a known
 * path with its not-found handler; the routes seen at registration tell the two apart and give
 * the `Allow` header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { methodNotAllowed, notFound } from '../errors.js';

export function installNotFound(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    const source = `^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`;
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) routes.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const method of [route.method].flat()) entry.methods.add(method);
  });
  app.setNotFoundHandler(async function notFoundOrWrongMethod(request: FastifyRequest) {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
    if (allowed.size > 0) throw methodNotAllowed(request.method, [...allowed].sort());
    throw notFound(path);
  });
}
