/**
 * @module The admin REST API under /admin/api (docs/admin-api.md): its own scope, which parses
 * JSON bodies (the root parses none, see app.ts) and authenticates every route but login before
 * anything else runs: the admin token as a Bearer token, or an operator's session cookie, whose
 * state-changing requests must also carry the session's CSRF token in `x-csrf-token`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sessionTokenFrom } from '../../../admin/cookie.js';
import { adminSessions } from '../../../admin/sessions.js';
import { credentialFrom } from '../../../auth/api-keys.js';
import { badRequest, GatewayError, permissionDenied } from '../../../errors.js';
import { registerCatalogueRoutes } from './catalogue-routes.js';
import { registerChannelRoutes } from './channel-routes.js';
import type { AdminContext, AdminDeps } from './context.js';
import { registerImageRoutes } from './image-routes.js';
import { registerKeyRoutes } from './key-routes.js';
import { registerReportRoutes } from './report-routes.js';
import { registerSessionRoutes } from './session-routes.js';

/** Methods that change nothing need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthenticated = (why: string) => new GatewayError('unauthorized', [why]);

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const ctx: AdminContext = { ...deps, sessions: adminSessions(deps) };
  app.decorateRequest('admin', null);
  app.removeAllContentTypeParsers();
  // Bodies are JSON or nothing: a form post from another site is refused as unsupported media.
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: deps.config.bodyLimitBytes }, (_request, text, done) => {
    if (String(text).trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(String(text)) as unknown);
    } catch {
      done(badRequest(['body: is not valid JSON']));
    }
  });

  app.addHook('onRequest', async function authenticateAdmin(request: FastifyRequest) {
    if (request.routeOptions.config.adminPublic) return;
    const authorization = request.headers.authorization;
    // A request that names a token is judged by it alone, never by a cookie it may also carry.
    if (authorization !== undefined) {
      const token = credentialFrom(authorization);
      if (token === undefined || !(await ctx.sessions.isAdminToken(token))) throw unauthenticated('authorization: not a valid admin token');
      request.admin = { kind: 'admin' };
      return;
    }
    const cookie = sessionTokenFrom(request.headers.cookie);
    if (cookie === undefined) throw unauthenticated('authorization: send the admin token as a Bearer token, or log in for a session cookie');
    const operator = await ctx.sessions.resolve(cookie);
    if (!operator) throw unauthenticated('session: unknown or expired; log in again');
    const csrf = request.headers['x-csrf-token'];
    if (!SAFE_METHODS.has(request.method) && !ctx.sessions.csrfMatches(operator.session, typeof csrf === 'string' ? csrf : undefined)) {
      throw permissionDenied('x-csrf-token: missing or not this session\'s; GET /admin/api/session returns it');
    }
    request.admin = operator;
  });

  registerSessionRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerChannelRoutes(app, ctx);
  registerCatalogueRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerImageRoutes(app, ctx);
}
