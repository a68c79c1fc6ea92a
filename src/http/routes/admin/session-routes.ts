/**
 * @module Operators and their sessions: the admin creates, lists and removes operators; an
 * operator logs in (the session cookie plus the CSRF token to echo in `x-csrf-token`), asks who
 * they are (and the CSRF token again, after a page reload), and logs out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../../../admin/cookie.js';
import { createOperator, operatorJson, removeOperator, USERNAME } from '../../../admin/operators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../../admin/password.js';
import { SESSION_TTL_MS, type AdminIdentity } from '../../../admin/sessions.js';
import { badRequest, GatewayError } from '../../../errors.js';
import { identity, requireAdminToken, type AdminContext } from './context.js';
import { parseInput } from './validate.js';

const username = z.string().trim().toLowerCase().regex(USERNAME, 'use 1 to 64 letters, digits, dots, dashes, underscores or @');
const Login = z.strictObject({ username, password: z.string().max(MAX_PASSWORD_LENGTH) });
const NewOperator = z.strictObject({
  username,
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH),
});

function sessionJson(who: AdminIdentity) {
  if (who.kind === 'admin') return { kind: 'admin' as const };
  return { kind: 'operator' as const, operator: operatorJson(who.operator), csrf_token: who.session.csrfToken, expires_at: new Date(who.session.expiresAt).toISOString() };
}

export function registerSessionRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.post('/session', { config: { adminPublic: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const input = parseInput(Login, request.body, 'body');
    const loggedIn = await ctx.sessions.login(input.username, input.password, request.ip);
    if (!loggedIn) throw new GatewayError('unauthorized', ['credentials: wrong username or password']);
    reply.header('set-cookie', sessionCookie(loggedIn.token, SESSION_TTL_MS / 1000)).header('cache-control', 'no-store');
    return reply.status(201).send(sessionJson({ kind: 'operator', operator: loggedIn.operator, session: loggedIn.session }));
  });

  app.get('/session', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    return sessionJson(identity(request));
  });

  app.delete('/session', async (request: FastifyRequest, reply: FastifyReply) => {
    const who = identity(request);
    if (who.kind !== 'operator') throw badRequest(['session: this request carries the admin token, not a session cookie']);
    await ctx.sessions.logout(who.session);
    reply.header('set-cookie', clearedSessionCookie());
    return { logged_out: true };
  });

  app.get('/operators', async (request: FastifyRequest) => {
    requireAdminToken(request);
    return { operators: (await ctx.store.operators.list()).map(operatorJson) };
  });

  app.post('/operators', async (request: FastifyRequest, reply: FastifyReply) => {
    requireAdminToken(request);
    const input = parseInput(NewOperator, request.body, 'body');
    return reply.status(201).send(operatorJson(await createOperator(ctx.store, input.username, input.password)));
  });

  app.delete('/operators/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    requireAdminToken(request);
    await removeOperator(ctx.store, request.params.id);
    return { id: request.params.id, removed: true };
  });
}
